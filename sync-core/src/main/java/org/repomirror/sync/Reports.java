package org.repomirror.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repomirror.apt.RawFile;
import org.repomirror.apt.Released;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.apt.Wanting;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.publish.Published;
import org.repomirror.publish.Transferred;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Failure;
import org.repomirror.run.FileAction;
import org.repomirror.source.TransportUse;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.tree.TreeResult;

/**
 * A run's report, made once at its end from the ledger and what its steps handed on. A file several
 * suites share counts in each of them, as {@code status} and {@code plan} count it; the run's
 * totals count it once.
 */
final class Reports {
  private Reports() {}

  /**
   * What the report says of the run as a whole.
   *
   * @param signatures one line on the suites' signatures
   * @param plannedSeconds the estimate of the plan made before the run, or null
   */
  record Context(
      Instant started,
      Instant finished,
      String upstream,
      String signatures,
      Double plannedSeconds,
      List<TransportUse> transport) {}

  /**
   * @param tree null when there was no tree pass
   */
  static SyncReport sync(
      RunLedger ledger,
      AptSummary apt,
      TreeResult tree,
      DeletionPolicy.Sweep swept,
      SyncReport.Ending ending,
      Context c) {
    List<Failure> failures = ledger.failures();
    long missing = failures.stream().filter(f -> f.action() == FileAction.MISSING).count();
    long fetched =
        apt.filesFetched() + (tree == null ? 0 : tree.moved().fetched() + tree.moved().links());
    long unchanged = apt.filesChecked() + (tree == null ? 0 : tree.seen().unchanged());
    return new SyncReport(
        new SyncReport.Run(
            c.started().toString(),
            c.finished().toString(),
            c.upstream(),
            c.signatures(),
            c.plannedSeconds(),
            ledger.phases(),
            c.transport()),
        apt.suites(),
        new SyncReport.Totals(
            fetched,
            unchanged,
            failures.size() - missing,
            missing,
            swept.delete().size(),
            ledger.bytesFetched()),
        new SyncReport.Findings(
            failures, ledger.warnings(), ledger.changes(), ledger.changesOmitted()),
        tree,
        ending);
  }

  /**
   * What the apt suites of a run did.
   *
   * @param filesFetched distinct files fetched: pool, indexes and Release files
   * @param filesChecked distinct files found on disk as recorded, each one stat
   * @param wanted every path the suites want, for the deletion sweep
   * @param reruns how often a final sync synced the suites again
   */
  record AptSummary(
      List<SyncReport.SuiteReport> suites,
      long filesFetched,
      long filesChecked,
      Set<String> wanted,
      int reruns) {
    AptSummary {
      suites = List.copyOf(suites);
    }

    /** The last pass's summary after reruns, with the files every pass fetched. */
    AptSummary rerun(int times, long fetchedByAll) {
      return new AptSummary(suites, fetchedByAll, filesChecked, wanted, times);
    }

    /** The same, with the suites whose Release kept changing marked so. */
    AptSummary changing(List<String> dists) {
      List<SyncReport.SuiteReport> marked = new ArrayList<>();
      for (SyncReport.SuiteReport s : suites) {
        marked.add(
            dists.contains(s.dist())
                ? s.withOutcome(SuiteOutcome.CHANGING, "the Release kept changing during the run")
                : s);
      }
      return new AptSummary(marked, filesFetched, filesChecked, wanted, reruns);
    }

    /** The dists folders of the suites that are as they should be. */
    List<String> settled() {
      return suites.stream()
          .filter(s -> s.outcome().settled())
          .map(SyncReport.SuiteReport::dist)
          .toList();
    }

    boolean trustFailure() {
      return suites.stream().anyMatch(s -> s.outcome() == SuiteOutcome.TRUST_FAILURE);
    }
  }

  static AptSummary apt(AptSync.Pass pass) {
    return switch (pass) {
      case AptSync.Untrusted u -> untrusted(u.released());
      case AptSync.Done d -> done(d);
    };
  }

  /** After a trust failure: every suite is reported, nothing was written. */
  private static AptSummary untrusted(Released released) {
    List<SyncReport.SuiteReport> suites = new ArrayList<>();
    for (Released.Suite s : released.suites()) {
      suites.add(
          s instanceof Released.Ended e
              ? SyncReport.SuiteReport.early(e.dist(), e.outcome(), e.reason(), e.signatures())
              : SyncReport.SuiteReport.early(
                  s.dist(),
                  SuiteOutcome.NOT_PUBLISHED,
                  "another suite failed its signature check: nothing of this run was written",
                  s.signatures()));
    }
    return new AptSummary(suites, 0, 0, Set.of(), 0);
  }

  private static AptSummary done(AptSync.Done d) {
    Set<String> reused = new HashSet<>();
    d.pool().reuse().forEach(w -> reused.add(w.path()));
    List<SyncReport.SuiteReport> suites = new ArrayList<>();
    long indexFiles = 0;
    for (Published.Suite s : d.published().suites()) {
      suites.add(suite(s, d.transferred(), d.published().failures(), reused));
      indexFiles +=
          switch (s.wanting()) {
            case Wanting.Changed c -> c.indexes().staged().size() + c.release().raw().size();
            case Wanting.Ended e -> e.indexes().staged().size();
            case Wanting.Unchanged u -> 0;
          };
    }
    return new AptSummary(
        suites,
        d.transferred().fetched().size() + indexFiles,
        reused.size(),
        d.wanting().allWanted(),
        0);
  }

  /** One suite's counts. */
  private static SyncReport.SuiteReport suite(
      Published.Suite p, Transferred pool, Map<String, Failure> failures, Set<String> reused) {
    Wanting.Suite s = p.wanting();
    if (s instanceof Wanting.Ended e) {
      return SyncReport.SuiteReport.early(e.dist(), e.outcome(), e.reason(), e.signatures());
    }
    Counter c = new Counter();
    for (String path : Wanting.wanted(s).keySet()) c.wanted(path, pool, failures, reused);
    long repaired = s instanceof Wanting.Unchanged ? c.fetched : 0;
    long files = Wanting.wanted(s).size();
    List<String> listedAbsent = List.of();
    if (s instanceof Wanting.Changed changed) {
      c.indexes(changed);
      files = changed.referencesIfPublished(p.unusable()).size();
      listedAbsent = changed.indexes().listedAbsent();
    }
    return new SyncReport.SuiteReport(
        s.dist(),
        p.outcome(),
        p.reason(),
        new SyncReport.SuiteReport.Counts(
            files, c.fetched, c.unchanged, c.failed, c.missing, repaired, c.bytes),
        s.signatures(),
        listedAbsent);
  }

  /** A suite's counts as they add up. */
  private static final class Counter {
    long fetched;
    long bytes;
    long unchanged;
    long failed;
    long missing;

    void wanted(String path, Transferred pool, Map<String, Failure> failures, Set<String> reused) {
      if (pool.fetched().contains(path)) {
        fetched++;
        bytes += pool.bytes().getOrDefault(path, 0L);
      }
      if (reused.contains(path)) unchanged++;
      Failure f = failures.get(path);
      if (f != null && f.action() == FileAction.MISSING) {
        missing++;
      } else if (f != null) {
        failed++;
      }
    }

    void indexes(Wanting.Changed s) {
      unchanged += s.indexes().plan().reuse().size();
      failed += s.indexes().failed();
      for (FetchOutcome.Fetched f : s.indexes().staged().values()) bytes += f.bytesTransferred();
      fetched += s.indexes().staged().size() + s.release().raw().size();
      for (RawFile raw : s.release().raw()) bytes += raw.bytes().length;
    }
  }
}
