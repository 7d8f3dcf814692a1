package org.repomirror.sync;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.repomirror.apt.Dists;
import org.repomirror.apt.ReleaseFetcher;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.index.Index;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Change;
import org.repomirror.run.Failure;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.run.Ticker;
import org.repomirror.source.UpdateLocks;
import org.repomirror.source.Upstream;
import org.repomirror.store.PublishedFiles;
import org.repomirror.store.PublishedTree;
import org.repomirror.tree.TreeOutcome;
import org.repomirror.tree.TreeResult;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.verify.TreeVerifier;
import org.repomirror.verify.VerifyReport;

/**
 * What makes a sync the final one before a cutover: it refuses to start while the upstream shows an
 * update lock, syncs the suites again (up to {@value #MAX_SUITE_RERUNS} times) when a Release
 * changed during the run, and ends with a verdict that says what it proved.
 */
final class FinalSync {
  static final int MAX_SUITE_RERUNS = 3;

  private FinalSync() {}

  /**
   * Refuses to start while the upstream shows a Debian-style update lock ({@code
   * Archive-Update-in-Progress-<host>}) at its root or at the base of a dist: it is in the middle
   * of an update, and a copy now would be of half of it.
   */
  static void checkUpdateLocks(Upstream upstream, List<String> dists) throws IOException {
    Set<String> bases = new LinkedHashSet<>();
    bases.add("");
    for (String d : dists) bases.add(Dists.base(Dists.normalize(d)));
    for (String base : bases) {
      Optional<String> lock = UpdateLocks.find(upstream, base);
      if (lock.isPresent()) {
        throw new UpstreamBusyException(
            "the upstream is being updated ("
                + upstream.url(lock.get())
                + " exists); a final sync now would copy half an update. Try again once it is gone.");
      }
    }
  }

  /** The suites, of those given, whose Release upstream differs from the one just published. */
  static List<String> changedReleases(
      PublishedTree tree, ReleaseFetcher releases, List<String> dists) throws IOException {
    List<String> changed = new ArrayList<>();
    for (String dist : dists) {
      for (String name : List.of("InRelease", "Release")) {
        Optional<byte[]> published = tree.read(dist + "/" + name);
        if (published.isEmpty()) continue;
        if (!releases.sameAs(dist + "/" + name, published.get())) changed.add(dist);
        break;
      }
    }
    return changed;
  }

  /**
   * Everything the run wrote read again from the published tree and hashed, each suite's chain from
   * its signature down; and a verdict that lists every difference.
   */
  static SyncReport.FinalReport verdict(
      PublishedFiles published,
      Index index,
      RunLedger ledger,
      ReleaseVerifier verifier,
      SyncEngine.Findings f,
      Instant synced)
      throws IOException, InterruptedException {
    Set<String> touched = new HashSet<>();
    for (Change c : ledger.changes()) {
      if (c.action() == Change.Action.FETCHED) touched.add(c.path());
    }
    VerifyReport proof;
    try (Ledger.Timing t = ledger.time(Phase.VERIFY)) {
      proof =
          TreeVerifier.ofTouched(
                  published,
                  index,
                  verifier,
                  2 * Runtime.getRuntime().availableProcessors(),
                  touched)
              .run();
    }
    List<String> differences = differences(f, ledger.failures(), proof);
    boolean identical = differences.isEmpty();
    long pending = index.pendingDeletes().size();
    String verdict =
        identical
            ? "identical to upstream as of "
                + synced
                + (pending > 0
                    ? " (" + pending + " files the upstream removed wait out the grace period)"
                    : "")
            : differences.size() + " difference(s) from upstream";
    return new SyncReport.FinalReport(
        identical,
        verdict,
        differences,
        (Ticker.SYSTEM.nanos() - f.startNanos()) / 1e9,
        f.apt().reruns(),
        new SyncReport.FinalReport.Proof(
            f.apt().filesChecked(), proof.files(), proof.bytesHashed(), proof.suites().size()));
  }

  private static List<String> differences(
      SyncEngine.Findings f, List<Failure> failures, VerifyReport proof) {
    List<String> differences = new ArrayList<>();
    for (SyncReport.SuiteReport s : f.apt().suites()) {
      if (!s.outcome().settled() || s.outcome() == SuiteOutcome.CHANGED) {
        differences.add(s.dist() + ": " + s.outcome() + " (" + s.reason() + ")");
      }
    }
    TreeResult tree = f.tree().report();
    if (tree != null && tree.outcome() == TreeOutcome.LISTING_FAILED) {
      differences.add("tree: the listing failed (" + tree.reason() + ")");
    }
    for (String path : f.tree().lacking()) {
      differences.add(path + ": an index references it, but the upstream's listing lacks it");
    }
    for (Failure failure : failures) {
      differences.add(failure.path() + ": " + failure.reason() + " -> " + failure.action());
    }
    for (VerifyReport.Problem p : proof.problems()) {
      differences.add(p.path() + ": " + p.kind() + ": " + p.detail());
    }
    if (f.guardTripped()) differences.add("deletions held back by the max-delete guard");
    return differences;
  }
}
