package org.repomirror.sync;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.plan.TransferEstimate;
import org.repomirror.plan.Wanted;
import org.repomirror.report.PlanReport;
import org.repomirror.report.SyncReport;
import org.repomirror.tree.TreeLister;

/**
 * A plan: the apt pass prepared as a sync prepares it (reading one variant of each index), the tree
 * listed without fetching, a probe of the upstream, and the report of what a sync would do. Not
 * thread-safe.
 */
final class PlanRun {
  private final RunContext ctx;
  private final AptPass apt;
  private final TreeLister tree;
  private final Function<Set<String>, Predicate<String>> excludedFromTree;
  private final Set<String> keep;

  /**
   * @param tree the tree's lister in tree mode, else null
   * @param excludedFromTree what the tree pass leaves alone, given what the apt suites want
   * @param keep what the published suites reference
   */
  PlanRun(
      RunContext ctx,
      AptPass apt,
      TreeLister tree,
      Function<Set<String>, Predicate<String>> excludedFromTree,
      Set<String> keep) {
    this.ctx = ctx;
    this.apt = apt;
    this.tree = tree;
    this.excludedFromTree = excludedFromTree;
    this.keep = keep;
  }

  PlanReport run(String upstream) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    AptPass.Prepared prepared = apt.prepare(ctx.options().dists(), AptPass.IndexFetch.TO_READ);
    PlanMaker maker = new PlanMaker(ctx, prepared);
    List<PlanReport.Item> items = new ArrayList<>(maker.items());
    PlanMaker.Totals totals = maker.totals();
    List<Wanted> candidates = new ArrayList<>(prepared.pool().toFetch());
    SyncReport.TreeReport t = null;
    if (tree != null && !prepared.trustFailure()) {
      Predicate<String> excluded = excludedFromTree.apply(AptPass.allWanted(prepared.suites()));
      TreePass dry = new TreePass(ctx, tree, excluded, true);
      t = dry.run(keep);
      items.add(PlanReport.Item.tree(t));
      candidates.addAll(dry.probeCandidates());
    }
    long poolFiles = totals.poolFiles() + (t == null ? 0 : t.fetched());
    long poolBytes = totals.poolBytes() + (t == null ? 0 : t.bytesFetched());
    long files = poolFiles + totals.indexFiles();
    long bytes = poolBytes + totals.indexBytes();
    double listSeconds = (System.nanoTime() - t0) / 1e9;
    TransferEstimate.Estimate e =
        prepared.trustFailure()
            ? new TransferEstimate.None("a signature failed: nothing would be fetched")
            : Probe.estimate(ctx, candidates, files, bytes);
    Double total =
        e instanceof TransferEstimate.Seconds s ? Double.valueOf(listSeconds + s.seconds()) : null;
    SuitePublisher staged = new SuitePublisher(ctx);
    for (SuiteWork s : prepared.suites()) staged.discard(s); // a plan publishes nothing
    RunOutcomes.Findings f =
        new RunOutcomes.Findings(asReports(prepared), t, ctx.ledger().failures(), false, null);
    return new PlanReport(
        upstream,
        items,
        files,
        bytes,
        poolFiles,
        poolBytes,
        totals.indexFiles(),
        totals.indexBytes(),
        totals.absentFiles(),
        totals.absentBytes(),
        totals.unchanged() + (t == null ? 0 : t.unchanged()),
        totals.delete() + (t == null ? 0 : t.markedForDeletion()),
        total,
        total == null
            ? e.basis()
            : String.format("listing %.1f s as measured now; transfer %s", listSeconds, e.basis()),
        ctx.ledger().warnings(),
        RunOutcomes.outcome(f),
        RunOutcomes.reason(f));
  }

  /** The suites as a run's outcome reads them: those that can go on count as changed. */
  private static List<SyncReport.SuiteReport> asReports(AptPass.Prepared prepared) {
    List<SyncReport.SuiteReport> reports = new ArrayList<>();
    for (SuiteWork s : prepared.suites()) {
      SuiteOutcome o = s.ended() != null ? s.ended() : SuiteOutcome.CHANGED;
      reports.add(SyncReport.SuiteReport.early(s.dist, o, s.reason(), s.signatures));
    }
    return reports;
  }
}
