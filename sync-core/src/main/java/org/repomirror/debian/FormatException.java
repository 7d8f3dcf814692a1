package org.repomirror.debian;

import java.io.IOException;

/**
 * Input that is not a well-formed Debian control file, Release, Packages or Sources index. The
 * message names the line (1-based) where the problem was found, when there is one.
 */
public final class FormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long line;

  public FormatException(String message, long line) {
    super(line > 0 ? "line " + line + ": " + message : message);
    this.line = line;
  }

  /** The 1-based line of the problem, or 0 when it concerns the whole input. */
  public long line() {
    return line;
  }
}
