package org.repomirror.sync;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repomirror.apt.Dists;
import org.repomirror.apt.FetchedRelease;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.Wanted;
import org.repomirror.transfer.FetchOutcome;

/**
 * One suite on its way through a run's apt pass: its Release, its indexes (planned, fetched,
 * readable), and the files it wants. For a suite unchanged upstream, the files it wants are those
 * it referenced when last published, so that each is checked on disk. Not thread-safe.
 */
final class SuiteWork {
  final String dist;
  final String base;

  /** The Release and the indexes it lists, selected, with their by-hash copies. */
  final List<Wanted> indexes = new ArrayList<>();

  /** Indexes fetched into staging in this run. */
  final Map<String, FetchOutcome.Fetched> staged = new LinkedHashMap<>();

  /** A copy of each index to read the pool from: staged, or the published one. */
  final Map<String, Path> readable = new LinkedHashMap<>();

  /** The indexes and by-hash objects that exist: reused or fetched. */
  final Set<String> presentIndexes = new LinkedHashSet<>();

  /** Listed files the upstream does not carry (404). */
  final List<String> listedAbsent = new ArrayList<>();

  /**
   * The files the suite wants besides its indexes: pool files (all referenced files, if unchanged).
   */
  final Map<String, Wanted> wanted = new LinkedHashMap<>();

  SyncPlan indexPlan = new SyncPlan(List.of(), List.of(), List.of(), List.of());
  List<String> signatures = List.of();
  int indexFailures;

  private FetchedRelease release;
  private SuiteOutcome ended;
  private String reason;

  SuiteWork(String dist) {
    this.dist = dist;
    this.base = Dists.base(dist);
  }

  void release(FetchedRelease release) {
    this.release = release;
  }

  /** Ends the suite before its files are looked at. */
  void end(SuiteOutcome outcome, String why) {
    this.ended = outcome;
    this.reason = why;
  }

  /** Whether the suite ended early, and the outcome it ended with; null while it goes on. */
  SuiteOutcome ended() {
    return ended;
  }

  String reason() {
    return reason;
  }

  boolean changed() {
    return ended == null && release instanceof FetchedRelease.Fetched;
  }

  boolean unchanged() {
    return ended == null && release instanceof FetchedRelease.Unchanged;
  }

  FetchedRelease.Fetched fetched() {
    return (FetchedRelease.Fetched) release;
  }

  /** Whether a path belongs to this suite's dists folder. */
  boolean owns(String path) {
    return path.startsWith(dist + "/");
  }

  /** Every path the suite would reference once published: its files, indexes and Release files. */
  Set<String> referencesIfPublished(Set<String> unusable) {
    Set<String> refs = new LinkedHashSet<>();
    for (String p : wanted.keySet()) {
      if (!unusable.contains(p)) refs.add(p);
    }
    refs.addAll(presentIndexes);
    if (changed()) fetched().raw().forEach(r -> refs.add(r.path()));
    return refs;
  }
}
