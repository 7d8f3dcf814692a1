package org.repomirror.sync;

import java.time.Instant;
import java.util.List;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Failure;
import org.repomirror.run.FileAction;
import org.repomirror.run.Phase;
import org.repomirror.tree.TreeResult;

/** A run's report, made once at its end from the ledger and what its steps handed on. */
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
      Double plannedSeconds) {}

  /**
   * @param tree null when there was no tree pass
   */
  static SyncReport sync(
      RunLedger ledger,
      AptReports.Summary apt,
      TreeResult tree,
      DeletionPolicy.Sweep swept,
      SyncEngine.Outcome o,
      Context c) {
    List<Failure> failures = ledger.failures();
    long missing = failures.stream().filter(f -> f.action() == FileAction.MISSING).count();
    long transferMillis = Math.max(1, ledger.millis(Phase.TRANSFER));
    long fetched = apt.filesFetched() + (tree == null ? 0 : tree.fetched() + tree.links());
    long unchanged = apt.filesChecked() + (tree == null ? 0 : tree.unchanged());
    return new SyncReport(
        c.started().toString(),
        c.finished().toString(),
        c.upstream(),
        c.signatures(),
        apt.suites(),
        ledger.phases(),
        fetched,
        unchanged,
        failures.size() - missing,
        missing,
        swept.delete().size(),
        ledger.bytesFetched(),
        ledger.bytesFetched() / 1e6 / (transferMillis / 1000.0),
        failures,
        ledger.warnings(),
        tree,
        ledger.changes(),
        ledger.changesOmitted(),
        c.plannedSeconds(),
        o.verdict(),
        o.outcome(),
        o.reason());
  }
}
