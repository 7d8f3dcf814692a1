package org.repomirror.apt;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.repomirror.debian.FormatException;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.source.FetchException;
import org.repomirror.source.Upstream;
import org.repomirror.trust.TrustException;
import org.repomirror.trust.VerifiedRelease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches and verifies the Release of each suite of a run: what the upstream says of it, a suite
 * that cannot go on with the reason why, and warnings for what is wrong upstream but does not stop
 * it. Not thread-safe.
 */
public final class SuiteReleases {
  private static final Logger log = LoggerFactory.getLogger(SuiteReleases.class);

  private final ReleaseFetcher releases;
  private final Ledger ledger;
  private final Clock clock;

  /**
   * @param clock tells whether a Release's Valid-Until has passed
   */
  public SuiteReleases(ReleaseFetcher releases, Ledger ledger, Clock clock) {
    this.releases = releases;
    this.ledger = ledger;
    this.clock = clock;
  }

  /**
   * @param dists the suites' dists folders, in the order given; each is fetched once, however its
   *     slashes are spelled
   */
  public Released fetch(List<String> dists) throws IOException {
    List<Released.Suite> suites = new ArrayList<>();
    try (Ledger.Timing t = ledger.time(Phase.LIST)) {
      Set<String> once = new LinkedHashSet<>();
      for (String d : dists) once.add(Dists.normalize(d)); // dists/stable and dists/stable/ alike
      // What a suite did not ask for (an unchanged InRelease leaves its Release) is forgotten, so
      // that a later check that the upstream still serves the same asks it again.
      try (Upstream.Prefetch p = releases.prefetch(once)) {
        for (String d : once) suites.add(fetch(d));
      }
    }
    return new Released(suites);
  }

  private Released.Suite fetch(String dist) throws IOException {
    try {
      return switch (releases.fetch(dist)) {
        case FetchedRelease.Fetched f -> {
          f.warnings().forEach(ledger::warn);
          warnIfExpired(dist, f);
          yield new Released.Changed(dist, f, signatures(f.verified()));
        }
        case FetchedRelease.Unchanged u -> {
          log.info("{}: unchanged upstream", dist);
          yield new Released.Unchanged(dist, signatures(u.verified()));
        }
      };
    } catch (TrustException e) {
      return ended(dist, SuiteOutcome.TRUST_FAILURE, e.getMessage());
    } catch (FetchedRelease.Inconsistent e) {
      return ended(dist, SuiteOutcome.MALFORMED, e.getMessage());
    } catch (FormatException e) {
      return ended(dist, SuiteOutcome.MALFORMED, "malformed Release: " + e.getMessage());
    } catch (FetchException e) {
      if (e.kind() != FetchException.Kind.NOT_FOUND) {
        return ended(dist, SuiteOutcome.UNREACHABLE, "cannot fetch the Release: " + e.getMessage());
      }
      return ended(
          dist,
          SuiteOutcome.NOT_FOUND,
          "the upstream has neither "
              + dist
              + "/InRelease nor "
              + dist
              + "/Release: is --dist right?");
    }
  }

  private static Released.Ended ended(String dist, SuiteOutcome outcome, String reason) {
    return new Released.Ended(dist, outcome, reason, List.of());
  }

  /** Old archives are frozen with a Valid-Until long past: mirrored anyway, with a warning. */
  private void warnIfExpired(String dist, FetchedRelease.Fetched f) {
    f.release()
        .validUntil()
        .filter(v -> v.isBefore(clock.instant()))
        .ifPresent(
            v ->
                ledger.warn(
                    dist
                        + ": Valid-Until "
                        + v
                        + " has passed (mirrored anyway: old archives are frozen)"));
  }

  /** A line per signature: key, algorithm and digest, and whether legacy ones were accepted. */
  static List<String> signatures(Optional<VerifiedRelease> verified) {
    if (verified.isEmpty()) return List.of("not verified");
    return verified.get().signatures().stream()
        .map(
            s ->
                s.keyId()
                    + " "
                    + s.keyAlgorithm()
                    + "/"
                    + s.digest()
                    + (s.legacy() == null ? "" : " LEGACY: " + s.legacy()))
        .toList();
  }
}
