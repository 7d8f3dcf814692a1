package org.repomirror.sync;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Failure;
import org.repomirror.run.FileAction;
import org.repomirror.transfer.FetchOutcome;

/**
 * Counts what an apt pass did for each suite. A file several suites share counts in each of them,
 * as {@code status} and {@code plan} count it.
 */
final class SuiteReports {
  private final PoolTransfer.Result pool;
  private final Map<String, Failure> failures;
  private final Set<String> reused = new HashSet<>();

  SuiteReports(AptPass.Prepared prepared, PoolTransfer.Result pool, Map<String, Failure> failures) {
    this.pool = pool;
    this.failures = failures;
    prepared.pool().reuse().forEach(w -> reused.add(w.path()));
  }

  /** The files a suite wants that could not be fetched as wanted, and were not kept as served. */
  Set<String> unusable(SuiteWork s) {
    Set<String> bad = new LinkedHashSet<>();
    for (String path : s.wanted.keySet()) {
      if (failures.containsKey(path) && !pool.fetched().contains(path)) bad.add(path);
    }
    return bad;
  }

  SyncReport.SuiteReport of(
      SuiteWork s, SuiteOutcome outcome, String reason, Set<String> unusable) {
    long fetched = 0;
    long bytes = 0;
    long unchanged = s.indexPlan.reuse().size();
    long failed = s.indexFailures;
    long missing = 0;
    for (String path : s.wanted.keySet()) {
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
    long repaired = s.unchanged() ? fetched : 0;
    for (FetchOutcome.Fetched f : s.staged.values()) bytes += f.bytesTransferred();
    fetched += s.staged.size();
    if (s.changed()) {
      fetched += s.fetched().raw().size();
      for (var raw : s.fetched().raw()) bytes += raw.bytes().length;
    }
    return new SyncReport.SuiteReport(
        s.dist,
        outcome,
        reason,
        s.referencesIfPublished(unusable).size(),
        fetched,
        unchanged,
        failed,
        missing,
        repaired,
        bytes,
        s.signatures,
        s.listedAbsent);
  }
}
