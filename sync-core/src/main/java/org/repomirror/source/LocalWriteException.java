package org.repomirror.source;

import java.io.IOException;

/**
 * A failure of the local side of a download: writing what arrived (a full disk, a read-only or
 * unwritable staging folder). An upstream passes it on as it is, never as its own transient fault,
 * so that the run ends with a clear local error instead of retrying and reporting the file as bad.
 */
public final class LocalWriteException extends IOException {
  public LocalWriteException(IOException cause) {
    super(cause.getMessage() != null ? cause.getMessage() : cause.toString(), cause);
  }
}
