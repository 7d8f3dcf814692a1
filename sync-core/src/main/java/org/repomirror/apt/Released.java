package org.repomirror.apt;

import java.util.List;

/**
 * The first step of an apt sync: the Release of every suite fetched and verified, before any other
 * file is. One bad signature, and nothing of the run is written. Immutable.
 */
public record Released(List<Suite> suites) {
  public Released {
    suites = List.copyOf(suites);
  }

  /** One suite after its Release was looked at. */
  public sealed interface Suite permits Changed, Unchanged, Ended {
    String dist();

    /** Who signed its Release, a line each; "not verified" when verification is off. */
    List<String> signatures();
  }

  /** The upstream has a new Release, verified: its indexes are next. */
  public record Changed(String dist, FetchedRelease.Fetched release, List<String> signatures)
      implements Suite {}

  /** The upstream's Release is the one published: the files it references are checked on disk. */
  public record Unchanged(String dist, List<String> signatures) implements Suite {}

  /** The suite cannot go on, and why. */
  public record Ended(String dist, SuiteOutcome outcome, String reason, List<String> signatures)
      implements Suite {}

  /** Whether a signature failed: then nothing of the run may be written. */
  public boolean trustFailure() {
    return suites.stream()
        .anyMatch(s -> s instanceof Ended e && e.outcome() == SuiteOutcome.TRUST_FAILURE);
  }
}
