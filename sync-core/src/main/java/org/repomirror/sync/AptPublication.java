package org.repomirror.sync;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Failure;
import org.repomirror.transfer.FetchOutcome;

/**
 * Carries a prepared apt pass out: the pool files of every suite fetched together (new paths
 * published chunk by chunk as they are verified), then each suite whose files are all there (or
 * whose bad files the policy allows) published in one step, and the rest left as they were. Not
 * thread-safe.
 */
final class AptPublication {
  /**
   * What the apt pass did.
   *
   * @param filesFetched distinct files fetched: pool, indexes and Release files
   * @param filesChecked distinct files found on disk as recorded, each one stat
   * @param wanted every path the suites want, for the deletion sweep
   */
  record Result(
      List<SyncReport.SuiteReport> suites,
      long filesFetched,
      long filesUnchanged,
      long filesChecked,
      Set<String> wanted) {}

  private final RunContext ctx;
  private final SuitePublisher publisher;

  AptPublication(RunContext ctx) {
    this.ctx = ctx;
    this.publisher = new SuitePublisher(ctx);
  }

  Result carryOut(AptPass.Prepared prepared) throws IOException, InterruptedException {
    List<SuiteWork> suites = prepared.suites();
    if (prepared.trustFailure()) return nothingWritten(suites);
    Map<String, List<SuiteWork>> wantedBy = AptPass.wantedBy(suites);
    Set<String> replacing = new HashSet<>();
    prepared.pool().replace().forEach(w -> replacing.add(w.path()));
    PoolTransfer.Result pool =
        new PoolTransfer(ctx)
            .run(
                prepared.pool().toFetch(),
                path ->
                    !replacing.contains(path)
                        || wantedBy.get(path).stream().allMatch(SuiteWork::unchanged));
    ctx.checkStop();
    Map<String, Failure> failures = recordFailures(pool);
    Set<String> wanted = AptPass.allWanted(suites);
    SuiteReports reports = new SuiteReports(prepared, pool, failures);
    List<SyncReport.SuiteReport> done = new ArrayList<>();
    for (SuiteWork s : suites) done.add(finish(s, reports, pool, wanted));
    for (PoolTransfer.Staged left : pool.deferred().values()) {
      ctx.files().deleteIfExists(left.staged().staged()); // wanted only by suites not published
    }
    long indexFiles = 0;
    for (SuiteWork s : suites) {
      indexFiles += s.staged.size() + (s.changed() ? s.fetched().raw().size() : 0);
    }
    return new Result(
        done,
        pool.fetched().size() + indexFiles,
        prepared.pool().reuse().size(),
        prepared.pool().reuse().size(),
        wanted);
  }

  private SyncReport.SuiteReport finish(
      SuiteWork s, SuiteReports reports, PoolTransfer.Result pool, Set<String> wanted)
      throws IOException {
    if (s.ended() != null) {
      publisher.discard(s);
      return SyncReport.SuiteReport.early(s.dist, s.ended(), s.reason(), s.signatures);
    }
    if (s.unchanged()) return reports.of(s, SuiteOutcome.UNCHANGED, null, Set.of());
    Set<String> unusable = reports.unusable(s);
    long blocking = unusable.size() + s.indexFailures;
    if (blocking > ctx.options().allowErrors()) {
      publisher.discard(s);
      return reports.of(s, SuiteOutcome.NOT_PUBLISHED, notPublished(s, blocking), unusable);
    }
    Set<String> elsewhere = ctx.index().referencedBySuites(s.dist);
    publisher.publish(s, pool, unusable, p -> wanted.contains(p) || elsewhere.contains(p));
    return reports.of(s, SuiteOutcome.PUBLISHED, null, unusable);
  }

  /** Why a suite was not published, what stays served instead, and the way past it. */
  private String notPublished(SuiteWork s, long blocking) throws IOException {
    boolean served = ctx.publisher().generations().current(s.dist).isPresent();
    return blocking
        + " file(s) bad or missing; "
        + (served ? "the previous metadata stays published" : "nothing of it is published yet")
        + " (--allow-errors "
        + blocking
        + " publishes it without them)";
  }

  /** Each failed pool file once in the ledger, and kept-as-is ones as warnings too. */
  private Map<String, Failure> recordFailures(PoolTransfer.Result pool) {
    Map<String, Failure> failures = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, FetchOutcome> e : pool.failed().entrySet()) {
      Failure f = Failures.of(e.getValue(), ctx.options().transfer().policy());
      failures.put(e.getKey(), f);
      ctx.ledger().fail(RunLedger.Scope.APT, f);
      if (pool.fetched().contains(e.getKey())) {
        ctx.ledger()
            .warn(
                e.getKey()
                    + ": kept as the upstream serves it, which does not match its index"
                    + " (upstream-mismatch)");
      }
    }
    return failures;
  }

  /** After a trust failure: every suite is reported, nothing is written. */
  private Result nothingWritten(List<SuiteWork> suites) throws IOException {
    List<SyncReport.SuiteReport> done = new ArrayList<>();
    for (SuiteWork s : suites) {
      publisher.discard(s);
      done.add(
          s.ended() != null
              ? SyncReport.SuiteReport.early(s.dist, s.ended(), s.reason(), s.signatures)
              : SyncReport.SuiteReport.early(
                  s.dist,
                  SuiteOutcome.NOT_PUBLISHED,
                  "another suite failed its signature check: nothing of this run was written",
                  s.signatures));
    }
    return new Result(done, 0, 0, 0, Set.of());
  }
}
