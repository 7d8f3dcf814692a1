package org.repomirror.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.Consumer;
import org.repomirror.fs.DiskRate;
import org.repomirror.index.Index;
import org.repomirror.plan.TransferEstimate;
import org.repomirror.plan.Wanted;
import org.repomirror.report.RunRecord;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.run.Ticker;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;

/**
 * Measures the upstream for a plan's estimate: a random sample of the planned files is fetched over
 * as many connections as the sync would use, each file's arrival timed, and the sample deleted.
 * Without a probe that moved bytes, earlier runs' rates are used; without either, there is no
 * estimate.
 */
final class Probe {
  private static final int MIN_FILES_PER_CONNECTION = 8;
  private static final int MAX_FILES_PER_CONNECTION = 32;
  private static final long MIN_BYTES = 128L << 20;
  private static final long MAX_BYTES = 512L << 20;

  private Probe() {}

  /**
   * @param connections as many as the sync would use
   */
  static TransferEstimate.Estimate estimate(
      AptSync.Parts parts, int connections, List<Wanted> candidates, long files, long bytes)
      throws IOException, InterruptedException {
    if (files == 0) return new TransferEstimate.Seconds(0, "nothing to fetch");
    // Several files for each download under way at once, so that the few that finish last, as the
    // downloads in flight run out, weigh little in the probe's rate, as they do in a sync's.
    List<Wanted> sample =
        sample(candidates, Math.max(connections, parts.transfer().parallel()), bytes);
    List<TransferEstimate.Sample> samples =
        java.util.Collections.synchronizedList(new ArrayList<>());
    List<FetchOutcome.Fetched> fetched = new ArrayList<>();
    TransferEstimate.Publishing publishing;
    try (Ledger.Timing t = parts.ledger().time(Phase.PROBE)) {
      long start = Ticker.SYSTEM.nanos();
      Consumer<FetchOutcome> arrived =
          o -> {
            if (o instanceof FetchOutcome.Fetched f && f.bytesTransferred() > 0) {
              samples.add(
                  new TransferEstimate.Sample(f.bytesTransferred(), Ticker.SYSTEM.nanos() - start));
            }
          };
      for (FetchOutcome o : parts.transfer().fetchAll(tasks(sample), arrived)) {
        if (o instanceof FetchOutcome.Fetched f) fetched.add(f);
      }
      publishing = publishing(parts, fetched, bytes);
    }
    TransferEstimate.Estimate probed =
        TransferEstimate.fromProbe(
            files, bytes, samples, parts.transfer().parallel(), sample.size(), publishing);
    if (probed instanceof TransferEstimate.Seconds) return probed;
    TransferEstimate.Estimate history =
        TransferEstimate.fromHistory(files, bytes, history(parts.index()));
    if (history instanceof TransferEstimate.Seconds) return history;
    return new TransferEstimate.None(probed.basis() + ", and " + history.basis());
  }

  private static final int TINY_FILES = 64;

  /** Where the probe places its files, in a hidden folder of the tree, and deletes them. */
  private static final String SCRATCH = MirrorLayout.STATE + "/probe-publish/";

  /** The direct write that measures the disk: a quarter of the plan, 16 to 128 MiB. */
  private static final long MIN_DISK_PROBE = 16L << 20;

  private static final long MAX_DISK_PROBE = 128L << 20;

  /**
   * What publishing costs on this disk, measured the way the sync publishes: tiny files placed for
   * the cost per file; for the cost per byte, the disk's sustained rate, written past the page
   * cache ({@link DiskRate}), since a long sync makes gigabytes durable and a burst would land in
   * memory. Where the filesystem refuses direct writes, the probe's own fetched files are placed
   * instead (not yet flushed, as in a sync). What is placed goes to a hidden folder of the tree and
   * is deleted.
   */
  private static TransferEstimate.Publishing publishing(
      AptSync.Parts parts, List<FetchOutcome.Fetched> fetched, long plannedBytes)
      throws IOException {
    PublishedTree published = parts.published();
    Path staging = published.staging();
    List<String> placed = new ArrayList<>();
    try {
      List<PublishedTree.Staged> tiny = new ArrayList<>();
      for (int i = 0; i < TINY_FILES; i++) {
        Path f = staging.resolve("probe-tiny-" + i);
        Files.write(f, new byte[1024]);
        tiny.add(new PublishedTree.Staged(f, SCRATCH + "t" + i + "/file"));
      }
      long t0 = Ticker.SYSTEM.nanos();
      tiny.forEach(s -> placed.add(s.localPath()));
      published.placeContent(tiny);
      double perFile = (Ticker.SYSTEM.nanos() - t0) / 1e9 / TINY_FILES;
      long direct = Math.clamp(plannedBytes / 4, MIN_DISK_PROBE, MAX_DISK_PROBE);
      OptionalDouble sustained = DiskRate.sustainedWrite(staging, direct, Ticker.SYSTEM);
      if (sustained.isPresent()) {
        return new TransferEstimate.Publishing(perFile, 1 / sustained.getAsDouble(), true);
      }
      List<PublishedTree.Staged> sample = new ArrayList<>();
      long bytes = 0;
      for (int i = 0; i < fetched.size(); i++) {
        sample.add(new PublishedTree.Staged(fetched.get(i).staged(), SCRATCH + "s" + i + "/file"));
        bytes += fetched.get(i).bytesTransferred();
      }
      long t1 = Ticker.SYSTEM.nanos();
      sample.forEach(s -> placed.add(s.localPath()));
      published.placeContent(sample);
      double seconds = (Ticker.SYSTEM.nanos() - t1) / 1e9;
      double perByte = bytes > 0 ? Math.max(0, seconds - perFile * sample.size()) / bytes : 0;
      return new TransferEstimate.Publishing(perFile, perByte, false);
    } finally {
      published.delete(placed);
      for (FetchOutcome.Fetched f : fetched) published.discard(f.staged());
    }
  }

  /** A random sample: some files per connection, a hundred MB or more, at most a fifth. */
  static List<Wanted> sample(List<Wanted> candidates, int connections, long plannedBytes) {
    List<Wanted> shuffled = new ArrayList<>(candidates);
    Collections.shuffle(shuffled, new Random(42));
    List<Wanted> sample = new ArrayList<>();
    long bytes = 0;
    long cap = Math.min(MAX_BYTES, plannedBytes / 5);
    long wanted = Math.min(MIN_BYTES, cap);
    for (Wanted w : shuffled) {
      boolean enough = sample.size() >= MIN_FILES_PER_CONNECTION * connections && bytes >= wanted;
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
  private static List<TransferEstimate.Run> history(Index index) throws IOException {
    List<TransferEstimate.Run> runs = new ArrayList<>();
    for (String json : index.runs(20)) {
      RunRecord r = RunRecord.parse(json);
      long ms = r.millis(Phase.TRANSFER.label());
      if (ms > 0 && r.counts().fetched() > 0) {
        runs.add(new TransferEstimate.Run(r.counts().fetched(), r.counts().bytesFetched(), ms));
      }
    }
    return runs;
  }
}
