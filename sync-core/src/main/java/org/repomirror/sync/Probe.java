package org.repomirror.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.repomirror.plan.TransferEstimate;
import org.repomirror.plan.Wanted;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;

/**
 * Measures the upstream for a plan's estimate: a random sample of the planned files is fetched over
 * as many connections as the sync would use, each file timed, and the sample deleted. Without a
 * probe that moved bytes, earlier runs' rates are used; without either, there is no estimate.
 */
final class Probe {
  private static final int MIN_FILES_PER_CONNECTION = 4;
  private static final int MAX_FILES_PER_CONNECTION = 32;
  private static final long MIN_BYTES = 32L << 20;
  private static final long MAX_BYTES = 256L << 20;

  private Probe() {}

  static TransferEstimate.Estimate estimate(
      RunContext ctx, List<Wanted> candidates, long files, long bytes)
      throws IOException, InterruptedException {
    if (files == 0) return new TransferEstimate.Seconds(0, "nothing to fetch");
    int connections = ctx.options().transfer().connections();
    List<Wanted> sample = sample(candidates, connections, bytes);
    List<TransferEstimate.Sample> samples = new ArrayList<>();
    long t = System.nanoTime();
    for (FetchOutcome o : ctx.transfer().fetchAll(tasks(sample), x -> {})) {
      if (o instanceof FetchOutcome.Fetched f) {
        if (f.bytesTransferred() > 0) {
          samples.add(new TransferEstimate.Sample(f.bytesTransferred(), f.elapsedNanos()));
        }
        ctx.files().deleteIfExists(f.staged());
      }
    }
    ctx.ledger().phase("probe", t);
    TransferEstimate.Estimate probed =
        TransferEstimate.fromProbe(files, bytes, samples, connections, sample.size());
    if (probed instanceof TransferEstimate.Seconds) return probed;
    TransferEstimate.Estimate history = TransferEstimate.fromHistory(files, bytes, history(ctx));
    if (history instanceof TransferEstimate.Seconds) return history;
    return new TransferEstimate.None(probed.basis() + ", and " + history.basis());
  }

  /** A random sample: at least a few files per connection, a few tens of MB, at most a fifth. */
  static List<Wanted> sample(List<Wanted> candidates, int connections, long plannedBytes) {
    List<Wanted> shuffled = new ArrayList<>(candidates);
    Collections.shuffle(shuffled, new Random(42));
    List<Wanted> sample = new ArrayList<>();
    long bytes = 0;
    long cap = Math.max(MIN_BYTES, Math.min(MAX_BYTES, plannedBytes / 5));
    for (Wanted w : shuffled) {
      boolean enough =
          sample.size() >= MIN_FILES_PER_CONNECTION * connections && bytes >= MIN_BYTES;
      boolean tooMuch =
          sample.size() >= MAX_FILES_PER_CONNECTION * connections || bytes + w.size() > cap;
      if (enough || (tooMuch && !sample.isEmpty())) break;
      sample.add(w);
      bytes += w.size();
    }
    return sample;
  }

  private static List<FetchTask> tasks(List<Wanted> sample) {
    List<FetchTask> tasks = new ArrayList<>();
    for (Wanted w : sample) tasks.add(new FetchTask(w.path(), w.path(), w.expected()));
    return tasks;
  }

  /** The transfer phases of the last runs that fetched anything. */
  private static List<TransferEstimate.Run> history(RunContext ctx) throws IOException {
    List<TransferEstimate.Run> runs = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String run : ctx.index().runs(20)) {
      JsonNode r = json.readTree(run);
      long ms = r.path("phaseMillis").path("transfer").asLong(0);
      long f = r.path("filesFetched").asLong(0);
      if (ms > 0 && f > 0) {
        runs.add(new TransferEstimate.Run(f, r.path("bytesFetched").asLong(0), ms));
      }
    }
    return runs;
  }
}
