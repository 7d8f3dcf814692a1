package org.repomirror.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.repomirror.fs.StagingNames;
import org.repomirror.index.Index;
import org.repomirror.publish.ManifestPublisher;
import org.repomirror.report.Json;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.TraceFile;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.store.PublishedTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a mirror writes into its own served tree: the manifest of the tree, for downstream
 * instances, after a run that wrote anything (never after a trust failure, and never an empty one
 * for a mirror that holds nothing); and the ftpsync-style trace, only after a run that ended OK,
 * since it says when the mirror was last complete.
 */
final class RunOutputs {
  private static final Logger log = LoggerFactory.getLogger(RunOutputs.class);

  private RunOutputs() {}

  /** What the trace file says of the run. */
  record Trace(Instant started, Instant finished, String hostname, String upstream) {}

  /**
   * Readies, on a thread of its own, what the end of a run writes with: the JSON report's writer
   * and the trace's date formats. Built at the end, they took about 0.1 s after the last file of a
   * run that had waited seconds on the network in between (BENCHMARKS.md, "A sync's first and last
   * tenths of a second over the link"). A failure here is the write's to report, at the end.
   */
  static void prepare() {
    Thread.ofVirtual()
        .name("run-outputs-ahead")
        .start(
            () -> {
              try {
                Json.prepareSyncOutputs();
                TraceFile.of(Instant.EPOCH, Instant.EPOCH, "", "", "", 0).render();
              } catch (IOException | RuntimeException e) {
                log.debug("could not ready the run's outputs ahead: {}", e.toString());
              }
            });
  }

  static void write(
      Index index, PublishedTree published, RunLedger ledger, RunOutcome outcome, Trace trace)
      throws IOException {
    if (outcome == RunOutcome.TRUST_FAILURE) return;
    boolean changed = !ledger.changes().isEmpty() || ledger.changesOmitted() > 0;
    boolean missing = !published.exists(MirrorLayout.manifest());
    try (Ledger.Timing t = ledger.time(Phase.PUBLISH)) {
      if (changed || (missing && holdsFiles(index))) {
        ManifestPublisher.publish(published, index, MirrorLayout::ownOutput);
      }
    }
    if (outcome == RunOutcome.OK) {
      String path = TraceFile.path(trace.hostname());
      Path staged = StagingNames.of(published.staging(), path);
      Files.writeString(
          staged,
          TraceFile.of(
                  trace.started(),
                  trace.finished(),
                  version(),
                  trace.hostname(),
                  trace.upstream(),
                  ledger.bytesFetched())
              .render(),
          StandardCharsets.UTF_8);
      published.placeContent(List.of(new PublishedTree.Staged(staged, path)));
    }
  }

  private static boolean holdsFiles(Index index) {
    boolean[] any = {false};
    index.forEachPath("", p -> any[0] = true);
    return any[0];
  }

  private static String version() {
    String v = RunOutputs.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }
}
