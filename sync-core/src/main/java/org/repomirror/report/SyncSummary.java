package org.repomirror.report;

import org.repomirror.apt.SuiteOutcome;
import org.repomirror.run.Change;
import org.repomirror.run.Failure;
import org.repomirror.source.TransportUse;
import org.repomirror.tree.TreeResult;

/** The terminal summary of a {@link SyncReport}: a line per suite, the tree, totals, verdict. */
final class SyncSummary {
  private SyncSummary() {}

  static String of(SyncReport r) {
    StringBuilder s = new StringBuilder();
    r.suites().forEach(suite -> suite(s, suite));
    if (r.tree() != null) tree(s, r.tree());
    s.append(
        String.format(
            "total: %d fetched (%.1f MB, %.1f MB/s), %d unchanged, %d failed, %d missing, %d"
                + " deleted; signatures %s%n",
            r.totals().filesFetched(),
            r.totals().bytesFetched() / 1e6,
            r.megabytesPerSecond(),
            r.totals().filesUnchanged(),
            r.totals().filesFailed(),
            r.totals().filesMissing(),
            r.totals().filesDeleted(),
            r.run().signatureVerification()));
    if (r.suites().size() > 1) {
      s.append("  (a file several suites share counts in each suite, once in the total)\n");
    }
    for (TransportUse t : r.run().transport()) {
      s.append(
          String.format(
              "  over %s: %d connection%s, %d %s, at most %d at once on one%n",
              t.protocol(),
              t.connections(),
              t.connections() == 1 ? "" : "s",
              t.requests(),
              t.protocol().equals("HTTP/2") ? "streams" : "requests",
              t.mostAtOnce()));
    }
    for (Failure f : r.failures()) {
      s.append(String.format("  %s: %s -> %s%n", f.path(), f.reason(), f.action()));
    }
    if (r.finalSync() != null) finalSync(s, r);
    for (String w : r.warnings()) s.append("  warning: ").append(w).append('\n');
    // The reason goes to standard error with the exit code, once; the lines above show it.
    s.append("outcome: ").append(r.outcome());
    return s.append('\n').toString();
  }

  private static void suite(StringBuilder s, SyncReport.SuiteReport suite) {
    String holds =
        suite.outcome() == SuiteOutcome.UNCHANGED
            ? String.format(
                "holds %d files, all on disk%s",
                suite.counts().files(),
                suite.counts().repaired() > 0
                    ? " (" + suite.counts().repaired() + " fetched again)"
                    : "")
            : String.format(
                "%d files: fetched %d, unchanged %d, failed %d, missing %d%s",
                suite.counts().files(),
                suite.counts().fetched(),
                suite.counts().unchanged(),
                suite.counts().failed(),
                suite.counts().missing(),
                suite.listedAbsent().isEmpty()
                    ? ""
                    : "; listed but absent upstream " + suite.listedAbsent().size());
    s.append(
        String.format(
            "%-40s %-14s %s%s%n",
            suite.dist(),
            suite.outcome(),
            holds,
            suite.reason() == null ? "" : " (" + suite.reason() + ")"));
  }

  /** Not-mirrored entries listed on the terminal; the JSON report has them all. */
  private static final int NOT_MIRRORED_SHOWN = 20;

  private static void tree(StringBuilder s, TreeResult tree) {
    s.append(
        String.format(
            "%-40s %-14s listed %d, fetched %d, unchanged %d, failed %d, links %d, to delete %d,"
                + " not mirrored %d (verified by %s)%s%n",
            "tree (" + tree.from().source() + ")",
            tree.outcome(),
            tree.seen().listed(),
            tree.moved().fetched(),
            tree.seen().unchanged(),
            tree.moved().failed(),
            tree.moved().links(),
            tree.seen().markedForDeletion(),
            tree.unmirrored().count(),
            tree.from().verification(),
            tree.reason() == null ? "" : " (" + tree.reason() + ")"));
    tree.unmirrored().notMirrored().stream()
        .limit(NOT_MIRRORED_SHOWN)
        .forEach(
            n ->
                s.append("  not mirrored: ")
                    .append(n.path())
                    .append(": ")
                    .append(n.reason())
                    .append('\n'));
    long more = tree.unmirrored().count() - NOT_MIRRORED_SHOWN;
    if (more > 0)
      s.append("  ... and ").append(more).append(" more not mirrored (see the JSON report)\n");
  }

  private static void finalSync(StringBuilder s, SyncReport r) {
    SyncReport.FinalReport f = r.finalSync();
    s.append("final sync:\n  phases:");
    r.run()
        .phaseMillis()
        .forEach((phase, ms) -> s.append(String.format(" %s %.1f s,", phase, ms / 1e3)));
    s.setLength(s.length() - 1);
    s.append('\n');
    s.append(
        String.format(
            "  took %.1f s%s; %d suite rerun(s)%n",
            f.actualSeconds(),
            r.run().plannedSeconds() == null
                ? " (no plan was made)"
                : String.format(" (planned %.1f s)", r.run().plannedSeconds()),
            f.suiteReruns()));
    s.append("  proved: ").append(f.proof().line()).append('\n');
    s.append(String.format("  changes: %d%n", r.findings().changes().size()));
    for (Change c : r.findings().changes()) {
      s.append(String.format("    %-8s %s%n", c.action().label(), c.path()));
    }
    for (String d : f.differences()) s.append("  difference: ").append(d).append('\n');
    s.append("  verdict: ").append(f.verdict()).append('\n');
  }
}
