package org.repomirror.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.repomirror.index.Index;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Transfer;

/**
 * How long a plan's fetching should take, for {@code repomirror plan}.
 *
 * @param basis where the rates come from, for the plan's report
 */
record TransferEstimate(double seconds, String basis) {

  /**
   * How long fetching takes: at the byte and file rates of earlier runs' transfers, whichever is
   * slower; with no history, at the rate of a probe of a few of the planned files.
   */
  static TransferEstimate of(
      Index index, Transfer transfer, long files, long bytes, List<FetchTask> probe)
      throws InterruptedException, IOException {
    if (files == 0) return new TransferEstimate(0, "nothing to fetch");
    long runFiles = 0;
    long runBytes = 0;
    long runMillis = 0;
    int runs = 0;
    ObjectMapper json = new ObjectMapper();
    for (String run : index.runs(20)) {
      var r = json.readTree(run);
      long ms = r.path("phaseMillis").path("transfer").asLong(0);
      long f = r.path("filesFetched").asLong(0);
      if (ms > 0 && f > 0) {
        runFiles += f;
        runBytes += r.path("bytesFetched").asLong(0);
        runMillis += ms;
        runs++;
      }
    }
    if (runs > 0) {
      double seconds = runMillis / 1000.0;
      double byBytes = runBytes > 0 ? bytes / (runBytes / seconds) : 0;
      double byFiles = files / (runFiles / seconds);
      return new TransferEstimate(
          Math.max(byBytes, byFiles),
          String.format(
              "at %.1f MB/s and %.0f files/s, from %d earlier run(s)",
              runBytes / seconds / 1e6, runFiles / seconds, runs));
    }
    if (probe.isEmpty()) return new TransferEstimate(0, "no history and nothing to probe");
    long t = System.nanoTime();
    long got = 0;
    for (FetchOutcome o : transfer.fetchAll(probe, x -> {})) {
      if (o instanceof FetchOutcome.Fetched f) {
        got += f.bytesTransferred();
        Files.deleteIfExists(f.staged());
      }
    }
    double seconds = Math.max(1e-3, (System.nanoTime() - t) / 1e9);
    double estimate =
        Math.max(bytes / Math.max(1, got / seconds), files / (probe.size() / seconds));
    return new TransferEstimate(
        estimate,
        String.format(
            "at %.1f MB/s, from a probe of %d files (no earlier run)",
            got / seconds / 1e6, probe.size()));
  }
}
