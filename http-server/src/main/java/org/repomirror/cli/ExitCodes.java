package org.repomirror.cli;

import org.repomirror.report.RunOutcome;

/** Every exit code of the command line, and the one place outcomes become exit codes. */
final class ExitCodes {
  static final int OK = 0;

  /** Completed with problems (a bad or missing file, a suite left unpublished...). */
  static final int PROBLEMS = 1;

  static final int USAGE = 2;

  /** A bad, unknown or missing signature: nothing was written into the served tree. */
  static final int TRUST = 3;

  /**
   * An I/O error, a full disk, a busy mirror, an unreadable index: the published tree is intact.
   */
  static final int ABORTED = 4;

  /** A final sync refused to start: the upstream is being updated. */
  static final int UPSTREAM_BUSY = 5;

  /** Stopped by SIGINT (Ctrl-C) or SIGTERM before it finished, as a shell reports SIGINT. */
  static final int INTERRUPTED = 130;

  private ExitCodes() {}

  static int of(RunOutcome outcome) {
    return switch (outcome) {
      case OK -> OK;
      case PROBLEMS -> PROBLEMS;
      case TRUST_FAILURE -> TRUST;
    };
  }
}
