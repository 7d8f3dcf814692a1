package org.repomirror.apt;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.Wanted;
import org.repomirror.transfer.FetchOutcome;

/**
 * Every file each suite of a run wants, once all their indexes are read: for a suite with a new
 * Release, its indexes (fetched or reused) and the pool files they list; for a suite unchanged
 * upstream, every file it referenced when last published, to be checked on disk. Immutable.
 */
public record Wanting(List<Suite> suites) {
  public Wanting {
    suites = List.copyOf(suites);
  }

  /** One suite with all it wants known, or the reason it cannot go on. */
  public sealed interface Suite permits Changed, Unchanged, Ended {
    String dist();

    List<String> signatures();
  }

  /**
   * A suite with a new Release.
   *
   * @param wanted the pool files its indexes list, by path
   */
  public record Changed(
      String dist,
      FetchedRelease.Fetched release,
      List<String> signatures,
      Indexes indexes,
      Map<String, Wanted> wanted)
      implements Suite {

    /** Every path it would reference once published, but those that could not be had. */
    public Set<String> referencesIfPublished(Set<String> unusable) {
      Set<String> refs = new LinkedHashSet<>();
      for (String p : wanted.keySet()) {
        if (!unusable.contains(p)) refs.add(p);
      }
      refs.addAll(indexes.present());
      release.raw().forEach(r -> refs.add(r.path()));
      return refs;
    }
  }

  /**
   * A suite whose Release the upstream still has.
   *
   * @param wanted every file it references, as recorded
   */
  public record Unchanged(String dist, List<String> signatures, Map<String, Wanted> wanted)
      implements Suite {}

  /**
   * A suite that cannot go on.
   *
   * @param indexes what it fetched before it ended, to be thrown away
   */
  public record Ended(
      String dist, SuiteOutcome outcome, String reason, List<String> signatures, Indexes indexes)
      implements Suite {}

  /**
   * The indexes of a suite with a new Release.
   *
   * @param listed what the Release lists (selected), its by-hash copies, and what its second-level
   *     indexes list
   * @param plan those planned against the mirror
   * @param staged the ones fetched in this run, verified and staged, by path
   * @param present the ones that exist: reused or fetched
   * @param listedAbsent listed files the upstream does not carry (a 404)
   * @param failed how many listed files could not be fetched as signed
   */
  public record Indexes(
      List<Wanted> listed,
      SyncPlan plan,
      Map<String, FetchOutcome.Fetched> staged,
      Set<String> present,
      List<String> listedAbsent,
      int failed) {
    public static final Indexes NONE =
        new Indexes(
            List.of(),
            new SyncPlan(List.of(), List.of(), List.of(), List.of()),
            Map.of(),
            Set.of(),
            List.of(),
            0);
  }

  /** The suites as their Releases left them, no index read: after a trust failure. */
  public static Wanting nothingRead(Released released) {
    return new Wanting(
        released.suites().stream()
            .map(
                s ->
                    switch (s) {
                      case Released.Changed c ->
                          (Suite)
                              new Changed(
                                  c.dist(), c.release(), c.signatures(), Indexes.NONE, Map.of());
                      case Released.Unchanged u ->
                          new Unchanged(u.dist(), u.signatures(), Map.of());
                      case Released.Ended e ->
                          new Ended(
                              e.dist(), e.outcome(), e.reason(), e.signatures(), Indexes.NONE);
                    })
            .toList());
  }

  /** The pool files each suite that goes on wants, by path; a failure is told to each. */
  public Map<String, List<Suite>> wantedBy() {
    Map<String, List<Suite>> by = new LinkedHashMap<>();
    for (Suite s : suites) {
      for (String path : wanted(s).keySet())
        by.computeIfAbsent(path, k -> new ArrayList<>()).add(s);
    }
    return by;
  }

  /** Every path the suites that go on want, their indexes and Release files included. */
  public Set<String> allWanted() {
    Set<String> all = new HashSet<>();
    for (Suite s : suites) {
      all.addAll(wanted(s).keySet());
      if (s instanceof Changed c) {
        all.addAll(c.indexes().present());
        c.release().raw().forEach(r -> all.add(r.path()));
      }
    }
    return all;
  }

  /** The files a suite wants besides its indexes; none for a suite that ended. */
  public static Map<String, Wanted> wanted(Suite s) {
    return switch (s) {
      case Changed c -> c.wanted();
      case Unchanged u -> u.wanted();
      case Ended e -> Map.of();
    };
  }
}
