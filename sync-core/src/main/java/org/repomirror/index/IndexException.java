package org.repomirror.index;

/** The index store failed (I/O error, corruption, full disk). Carries the store's message. */
public final class IndexException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IndexException(String message, Throwable cause) {
    super(message, cause);
  }
}
