package org.repomirror.tree;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the tree pass of a run ended, or how a plan found the tree. */
public enum TreeOutcome {
  /** Every listed file is mirrored (refused entries are only warnings). */
  MIRRORED("mirrored"),
  /** Some listed files failed verification or could not be fetched after retries. */
  MIRRORED_WITH_FAILURES("mirrored-with-failures"),
  /** The upstream said in one request that nothing changed. */
  UNCHANGED("unchanged"),
  /** A page or folder could not be listed: nothing was deleted. */
  LISTING_FAILED("listing-failed"),
  /** A plan's finding: what a sync would fetch and delete. */
  PLANNED("planned");

  private final String label;

  TreeOutcome(String label) {
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
