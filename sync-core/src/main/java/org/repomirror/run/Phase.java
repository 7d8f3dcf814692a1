package org.repomirror.run;

/**
 * The phases a run's time is told in, by the names its report and {@code status} use. Phases may
 * overlap: the pool is published while the transfer goes on.
 */
public enum Phase {
  /** Fetching and verifying Release files, and listing a tree. */
  LIST("list"),
  /** Deciding what to fetch, reuse and delete. */
  PLAN("plan"),
  /** A plan's probe of the upstream's latency and rate. */
  PROBE("probe"),
  /** Downloading and verifying into staging. */
  TRANSFER("transfer"),
  /** Renames into the served tree, generation switches, index batches. */
  PUBLISH("publish"),
  /** The whole tree pass, in tree mode (its listing and transfer overlap). */
  TREE("tree"),
  /** A final sync's proof. */
  VERIFY("verify");

  private final String label;

  Phase(String label) {
    this.label = label;
  }

  /** The name reports and the run records use, e.g. {@code transfer}. */
  public String label() {
    return label;
  }
}
