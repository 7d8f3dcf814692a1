package org.repomirror.sync;

import java.io.IOException;

/** Another sync or plan holds the mirror: this run did not start, and changed nothing. */
public final class MirrorBusyException extends IOException {
  private static final long serialVersionUID = 1L;

  public MirrorBusyException(String message) {
    super(message);
  }
}
