package org.repomirror.http;

/**
 * A request that cannot be served, with the status to answer and a reason for the log. Carries no
 * stack trace: it is a normal outcome, not a bug.
 */
public final class RequestRejected extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  public RequestRejected(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  /** The HTTP status to answer with, 4xx. */
  public int status() {
    return status;
  }
}
