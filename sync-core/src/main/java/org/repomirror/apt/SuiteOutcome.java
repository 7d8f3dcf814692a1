package org.repomirror.apt;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a suite ended in a run, or how a plan found it. */
public enum SuiteOutcome {
  /** The upstream's Release is the one published: nothing to do but check the disk. */
  UNCHANGED("unchanged", true),
  /** A plan's finding: the Release changed, and a sync would publish it. */
  CHANGED("changed", true),
  /** The new Release and everything it references are published. */
  PUBLISHED("published", true),
  /** Bad or missing files: the previous metadata stays published. */
  NOT_PUBLISHED("not-published", false),
  /** A bad, unknown or missing signature: nothing of the run was published. */
  TRUST_FAILURE("trust-failure", false),
  /** The upstream has no Release for it (404): a --dist that names no suite there. */
  NOT_FOUND("not-found", false),
  /** The Release could not be fetched: the upstream did not answer, or answered with an error. */
  UNREACHABLE("unreachable", false),
  /** The Release or an index it lists cannot be read. */
  MALFORMED("malformed", false),
  /** A final sync's finding: the Release kept changing while it ran. */
  CHANGING("changing", false);

  private final String label;
  private final boolean settled;

  SuiteOutcome(String label, boolean settled) {
    this.label = label;
    this.settled = settled;
  }

  /** The word reports use, e.g. {@code not-published}. */
  @JsonValue
  public String label() {
    return label;
  }

  /** Whether the suite is as it should be: published, or unchanged upstream. */
  public boolean settled() {
    return settled;
  }

  @Override
  public String toString() {
    return label;
  }
}
