package org.repomirror.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repomirror.apt.Dists;
import org.repomirror.apt.FetchedRelease;
import org.repomirror.apt.PoolIndexReader;
import org.repomirror.apt.ReleaseFetcher;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.apt.SuiteSelection;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.IndexVariants;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.SyncPlanner;
import org.repomirror.plan.Wanted;
import org.repomirror.run.Phase;
import org.repomirror.source.FetchException;
import org.repomirror.trust.TrustException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apt suites of a run, prepared the same way for a sync and for a plan: every Release fetched
 * and verified first (one bad signature and nothing of the run is written), then the indexes of the
 * suites that changed, then the pool they reference, and one plan for the pool files of every suite
 * together, so that a file several suites share is one task. {@link AptPublication} carries a
 * prepared pass out; a plan only reports it. Not thread-safe.
 */
final class AptPass {
  private static final Logger log = LoggerFactory.getLogger(AptPass.class);

  /** Which listed indexes to fetch. */
  enum IndexFetch {
    /** Every listed variant and by-hash object: a sync mirrors them all. */
    ALL,
    /** One readable variant of each Packages and Sources: what a plan needs to see the pool. */
    TO_READ
  }

  /**
   * The suites, ready to carry out or to report.
   *
   * @param pool one plan for the files every suite wants (pool files; every referenced file of an
   *     unchanged suite, to check it on disk)
   * @param trustFailure a signature failed: nothing is to be written
   */
  record Prepared(List<SuiteWork> suites, SyncPlan pool, boolean trustFailure) {}

  private final RunContext ctx;
  private final ReleaseFetcher releases;
  private final SuiteSelection selection;
  private final IndexStage indexes;

  AptPass(RunContext ctx, ReleaseFetcher releases, SuiteSelection selection) {
    this.ctx = ctx;
    this.releases = releases;
    this.selection = selection;
    this.indexes = new IndexStage(ctx, selection);
  }

  Prepared prepare(List<String> dists, IndexFetch mode) throws IOException, InterruptedException {
    List<SuiteWork> suites = new ArrayList<>();
    for (String d : new LinkedHashSet<>(dists)) suites.add(fetchRelease(Dists.normalize(d)));
    if (suites.stream().anyMatch(s -> s.ended() == SuiteOutcome.TRUST_FAILURE)) {
      return new Prepared(suites, SyncPlanner.plan(List.of(), ctx.indexView(), ctx.disk()), true);
    }
    List<SuiteWork> changed = suites.stream().filter(SuiteWork::changed).toList();
    indexes.fetch(changed, mode);
    long t = System.nanoTime();
    for (SuiteWork s : changed) readPool(s);
    for (SuiteWork s : suites) {
      if (s.unchanged()) wantReferences(s);
    }
    List<Wanted> all = new ArrayList<>();
    for (SuiteWork s : suites) all.addAll(s.wanted.values());
    SyncPlan pool = SyncPlanner.plan(all, ctx.indexView(), ctx.disk());
    ctx.ledger().phase(Phase.PLAN, t);
    for (String p : pool.conflicts()) {
      ctx.ledger().warn(p + ": suites list it with different sizes or checksums; the first wins");
    }
    return new Prepared(suites, pool, false);
  }

  /** The Release of a suite, verified; a suite that cannot go on says why. */
  private SuiteWork fetchRelease(String dist) throws IOException {
    SuiteWork s = new SuiteWork(dist);
    long t = System.nanoTime();
    try {
      FetchedRelease release = releases.fetch(dist);
      s.release(release);
      if (release instanceof FetchedRelease.Fetched f) {
        s.signatures = Signatures.describe(f.verified());
        f.warnings().forEach(ctx.ledger()::warn);
        f.release()
            .validUntil()
            .filter(v -> v.toEpochMilli() < ctx.nowMillis())
            .ifPresent(
                v ->
                    ctx.ledger()
                        .warn(
                            dist
                                + ": Valid-Until "
                                + v
                                + " has passed (mirrored anyway: old"
                                + " archives are frozen)"));
      } else if (release instanceof FetchedRelease.Unchanged u) {
        s.signatures = Signatures.describe(u.verified());
        log.info("{}: unchanged upstream", dist);
      }
    } catch (TrustException e) {
      s.end(SuiteOutcome.TRUST_FAILURE, e.getMessage());
    } catch (FetchedRelease.Inconsistent e) {
      s.end(SuiteOutcome.MALFORMED, e.getMessage());
    } catch (FormatException e) {
      s.end(SuiteOutcome.MALFORMED, "malformed Release: " + e.getMessage());
    } catch (FetchException e) {
      if (e.kind() == FetchException.Kind.NOT_FOUND) {
        s.end(
            SuiteOutcome.NOT_FOUND,
            "the upstream has neither "
                + dist
                + "/InRelease nor "
                + dist
                + "/Release: is --dist right?");
      } else {
        s.end(SuiteOutcome.UNREACHABLE, "cannot fetch the Release: " + e.getMessage());
      }
    } finally {
      ctx.ledger().phase(Phase.LIST, t);
    }
    return s;
  }

  /** The pool files a changed suite's indexes list; a corrupt index ends the suite. */
  private void readPool(SuiteWork s) throws IOException {
    try {
      for (String path : IndexVariants.choose(s.readable.keySet())) {
        try (InputStream in = Files.newInputStream(s.readable.get(path))) {
          PoolIndexReader.read(
              path, in, s.base, f -> s.wanted.putIfAbsent(f.path(), Wanted.pool(f)));
        }
      }
    } catch (FormatException e) {
      s.end(SuiteOutcome.MALFORMED, "corrupt index: " + e.getMessage());
      s.wanted.clear();
    }
  }

  /** Every file an unchanged suite references, as recorded: each is checked on disk. */
  private void wantReferences(SuiteWork s) {
    for (String path : ctx.index().references(s.dist).orElse(Set.of())) {
      ctx.index()
          .file(path)
          .filter(r -> !r.isLink())
          .ifPresent(
              r ->
                  s.wanted.put(
                      path,
                      new Wanted(
                          path,
                          new org.repomirror.debian.ExpectedFile(path, r.size(), r.hashes()),
                          kindOf(s, path),
                          false)));
    }
  }

  private static Wanted.Kind kindOf(SuiteWork s, String path) {
    if (!s.owns(path)) return Wanted.Kind.POOL;
    return path.contains("/by-hash/") ? Wanted.Kind.BY_HASH : Wanted.Kind.INDEX;
  }

  /** Which suites want each path, for attributing a failure and deciding when to publish. */
  static Map<String, List<SuiteWork>> wantedBy(List<SuiteWork> suites) {
    Map<String, List<SuiteWork>> by = new LinkedHashMap<>();
    for (SuiteWork s : suites) {
      for (String path : s.wanted.keySet()) by.computeIfAbsent(path, k -> new ArrayList<>()).add(s);
    }
    return by;
  }

  /** Every path the prepared suites want, their indexes included. */
  static Set<String> allWanted(List<SuiteWork> suites) {
    Set<String> all = new HashSet<>();
    for (SuiteWork s : suites) {
      all.addAll(s.wanted.keySet());
      all.addAll(s.presentIndexes);
      if (s.changed()) s.fetched().raw().forEach(r -> all.add(r.path()));
    }
    return all;
  }
}
