package org.repomirror.sync;

import java.io.IOException;

/** The upstream is in the middle of an update: a final sync refuses to start. */
public final class UpstreamBusyException extends IOException {
  private static final long serialVersionUID = 1L;

  public UpstreamBusyException(String message) {
    super(message);
  }
}
