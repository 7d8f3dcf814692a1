package org.repomirror.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.repomirror.report.SyncReport;
import org.repomirror.run.Change;
import org.repomirror.run.Failure;
import org.repomirror.run.Phase;
import org.repomirror.source.Upstream;
import org.repomirror.tree.TreeOutcome;
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

  /** The suites whose Release upstream differs from the one just published. */
  static List<String> changedReleases(
      MirrorLayout layout, ReleaseFetcher releases, List<SyncReport.SuiteReport> suites)
      throws IOException {
    List<String> changed = new ArrayList<>();
    for (SyncReport.SuiteReport s : suites) {
      if (!s.outcome().settled()) continue;
      for (String name : List.of("InRelease", "Release")) {
        Path local = layout.resolve(s.dist() + "/" + name);
        if (!Files.exists(local)) continue;
        if (!releases.sameAs(s.dist() + "/" + name, Files.readAllBytes(local)))
          changed.add(s.dist());
        break;
      }
    }
    return changed;
  }

  /** The inputs of a verdict. */
  record Findings(
      List<SyncReport.SuiteReport> suites,
      SyncReport.TreeReport tree,
      List<String> lacking,
      List<Failure> failures,
      boolean guardTripped,
      int reruns,
      long filesChecked) {}

  /**
   * Everything the run wrote re-read from disk and hashed, each suite's chain from its signature
   * down; and a verdict that lists every difference.
   */
  static SyncReport.FinalReport verdict(
      RunContext ctx,
      ReleaseVerifier verifier,
      Findings f,
      List<Change> changes,
      Instant synced,
      long startNanos)
      throws IOException, InterruptedException {
    long t = System.nanoTime();
    Set<String> touched = new HashSet<>();
    for (Change c : changes) {
      if (c.action() == Change.Action.FETCHED) touched.add(c.path());
    }
    VerifyReport proof =
        TreeVerifier.ofTouched(
                ctx.layout().root(),
                ctx.index(),
                verifier,
                2 * Runtime.getRuntime().availableProcessors(),
                touched)
            .run();
    ctx.ledger().phase(Phase.VERIFY, t);
    List<String> differences = differences(f, proof);
    boolean identical = differences.isEmpty();
    long pending = ctx.index().pendingDeletes().size();
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
        (System.nanoTime() - startNanos) / 1e9,
        f.reruns(),
        f.filesChecked(),
        proof.files(),
        proof.bytesHashed(),
        proof.suites().size());
  }

  private static List<String> differences(Findings f, VerifyReport proof) {
    List<String> differences = new ArrayList<>();
    for (SyncReport.SuiteReport s : f.suites()) {
      if (!s.outcome().settled() || s.outcome() == SuiteOutcome.CHANGED) {
        differences.add(s.dist() + ": " + s.outcome() + " (" + s.reason() + ")");
      }
    }
    if (f.tree() != null && f.tree().outcome() == TreeOutcome.LISTING_FAILED) {
      differences.add("tree: the listing failed (" + f.tree().reason() + ")");
    }
    for (String path : f.lacking()) {
      differences.add(path + ": an index references it, but the upstream's listing lacks it");
    }
    for (Failure failure : f.failures()) {
      differences.add(failure.path() + ": " + failure.reason() + " -> " + failure.action());
    }
    for (VerifyReport.Problem p : proof.problems()) {
      differences.add(p.path() + ": " + p.kind() + ": " + p.detail());
    }
    if (f.guardTripped()) differences.add("deletions held back by the max-delete guard");
    return differences;
  }
}
