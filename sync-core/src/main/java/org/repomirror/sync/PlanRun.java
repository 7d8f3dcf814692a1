package org.repomirror.sync;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.repomirror.apt.IndexReader;
import org.repomirror.apt.Released;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.apt.SuiteReleases;
import org.repomirror.apt.Wanting;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.SyncPlanner;
import org.repomirror.plan.TransferEstimate;
import org.repomirror.plan.Wanted;
import org.repomirror.report.PlanItems;
import org.repomirror.report.PlanReport;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Ticker;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.TreeLister;
import org.repomirror.tree.TreePass;
import org.repomirror.tree.TreeResult;

/**
 * A plan: the apt suites' steps as a sync runs them, up to the planner (reading one variant of each
 * index), the tree listed without fetching, a probe of the upstream, and the report of what a sync
 * would do. Not thread-safe.
 */
final class PlanRun {
  /**
   * The tree pass of a plan, in tree mode.
   *
   * @param excluded what the tree pass leaves alone, given what the apt suites want
   */
  record Tree(
      TreeLister lister, TreePass.Parts parts, Function<Set<String>, Predicate<String>> excluded) {}

  private final AptSync.Parts parts;
  private final SyncOptions options;
  private final SuiteReleases releases;
  private final IndexReader indexes;
  private final Tree tree;

  /**
   * @param tree the tree pass in tree mode, else null
   */
  PlanRun(
      AptSync.Parts parts,
      SyncOptions options,
      SuiteReleases releases,
      IndexReader indexes,
      Tree tree) {
    this.parts = parts;
    this.options = options;
    this.releases = releases;
    this.indexes = indexes;
    this.tree = tree;
  }

  /**
   * @param startUp what the sync pays before it lists (see {@link SyncEngine#plan})
   */
  PlanReport run(String upstream, Duration startUp) throws IOException, InterruptedException {
    double startSeconds = startUp.toNanos() / 1e9;
    long t0 = Ticker.SYSTEM.nanos();
    Released released = releases.fetch(options.dists());
    SyncPlanner.Planning planning =
        new SyncPlanner.Planning(parts.index()::file, parts.published());
    Wanting wanting = Wanting.nothingRead(released);
    if (!released.trustFailure()) {
      try (Transfer.Session session = parts.transfer().open(parts.progress(), parts.ledger())) {
        wanting = indexes.read(released, IndexReader.Mode.TO_READ, session, planning::decide);
      }
    }
    SyncPlan pool = planning.plan();
    PlanItems maker = new PlanItems(parts.index(), wanting, pool);
    List<PlanReport.Item> items = new ArrayList<>(maker.items());
    PlanReport.Totals totals = maker.totals();
    List<Wanted> candidates = new ArrayList<>(pool.toFetch());
    TreeResult t = null;
    if (tree != null && !released.trustFailure()) {
      Predicate<String> excluded = tree.excluded().apply(wanting.allWanted());
      TreePass dry = new TreePass(tree.parts(), tree.lister(), excluded, true);
      t = dry.run(parts.index().referencedBySuites(null));
      items.add(PlanReport.Item.tree(t));
      candidates.addAll(dry.probeCandidates());
    }
    discardStaged(wanting); // a plan publishes nothing
    if (t != null) totals = totals.with(t);
    double listSeconds = (Ticker.SYSTEM.nanos() - t0) / 1e9;
    TransferEstimate.Estimate e =
        released.trustFailure()
            ? new TransferEstimate.None("a signature failed: nothing would be fetched")
            : Probe.estimate(
                parts,
                options.transfer().connections(),
                candidates,
                totals.fetchFiles(),
                totals.fetchBytes());
    Double total =
        e instanceof TransferEstimate.Seconds s
            ? Double.valueOf(startSeconds + listSeconds + s.seconds())
            : null;
    RunOutcomes.Findings f =
        new RunOutcomes.Findings(asReports(wanting), t, parts.ledger().failures(), false, null);
    return new PlanReport(
        upstream,
        items,
        totals,
        new PlanReport.Estimate(
            total,
            total == null
                ? e.basis()
                : String.format(
                    "start-up %.1f s and listing %.1f s as measured now; transfer %s",
                    startSeconds, listSeconds, e.basis())),
        parts.ledger().warnings(),
        RunOutcomes.outcome(f),
        RunOutcomes.reason(f));
  }

  private void discardStaged(Wanting wanting) throws IOException {
    for (Wanting.Suite s : wanting.suites()) {
      Wanting.Indexes indexes =
          switch (s) {
            case Wanting.Changed c -> c.indexes();
            case Wanting.Ended e -> e.indexes();
            case Wanting.Unchanged u -> Wanting.Indexes.NONE;
          };
      for (FetchOutcome.Fetched f : indexes.staged().values()) {
        parts.published().discard(f.staged());
      }
    }
  }

  /** The suites as a run's outcome reads them: those that can go on count as changed. */
  private static List<SyncReport.SuiteReport> asReports(Wanting wanting) {
    List<SyncReport.SuiteReport> reports = new ArrayList<>();
    for (Wanting.Suite s : wanting.suites()) {
      reports.add(
          s instanceof Wanting.Ended e
              ? SyncReport.SuiteReport.early(e.dist(), e.outcome(), e.reason(), e.signatures())
              : SyncReport.SuiteReport.early(s.dist(), SuiteOutcome.CHANGED, null, s.signatures()));
    }
    return reports;
  }
}
