package org.repomirror.report;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a whole run ended. The command line alone maps it to an exit code; a run that was aborted (an
 * I/O error, a full disk) ends with an exception instead, and has no outcome.
 */
public enum RunOutcome {
  /** Everything is mirrored as signed (for a final sync: identical to upstream). */
  OK("ok"),
  /** It completed, with problems the report lists. */
  PROBLEMS("problems"),
  /** A signature did not verify: nothing was written into the served tree. */
  TRUST_FAILURE("trust-failure");

  private final String label;

  RunOutcome(String label) {
    this.label = label;
  }

  @JsonValue
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
