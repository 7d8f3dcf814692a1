package org.repomirror.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import org.repomirror.publish.ManifestPublisher;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.TraceFile;
import org.repomirror.run.Phase;

/**
 * The files a mirror writes into its own served tree: the manifest of the tree, for downstream
 * instances, after a run that wrote anything (never after a trust failure, and never an empty one
 * for a mirror that holds nothing); and the ftpsync-style trace, only after a run that ended OK,
 * since it says when the mirror was last complete.
 */
final class RunOutputs {
  private RunOutputs() {}

  static void write(RunContext ctx, RunOutcome outcome, Instant started, Instant finished)
      throws IOException {
    if (outcome == RunOutcome.TRUST_FAILURE) return;
    long t = System.nanoTime();
    boolean changed = !ctx.ledger().changes().isEmpty() || ctx.ledger().changesOmitted() > 0;
    boolean missing = !Files.exists(ctx.layout().resolve(MirrorLayout.manifest()));
    if (changed || (missing && holdsFiles(ctx))) {
      ManifestPublisher.publish(ctx.layout().root(), ctx.index(), MirrorLayout::ownOutput);
    }
    ctx.ledger().phase(Phase.PUBLISH, t);
    if (outcome == RunOutcome.OK) {
      TraceFile.of(
              started,
              finished,
              version(),
              ctx.options().hostname(),
              ctx.upstream().url(""),
              ctx.ledger().bytesFetched())
          .write(ctx.layout().root(), ctx.options().hostname());
    }
  }

  private static boolean holdsFiles(RunContext ctx) {
    boolean[] any = {false};
    ctx.index().forEachPath("", p -> any[0] = true);
    return any[0];
  }

  private static String version() {
    String v = RunOutputs.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }
}
