package org.repomirror.plan;

import java.util.List;

/**
 * How long fetching a plan's files should take, from a probe of some of them fetched just now, or
 * from earlier runs. Pure: the measurements come in as values.
 */
public final class TransferEstimate {
  private TransferEstimate() {}

  /** An estimate, or the reason there is none. */
  public sealed interface Estimate {
    String basis();
  }

  /**
   * @param basis where the rates come from, for the plan's report
   */
  public record Seconds(double seconds, String basis) implements Estimate {}

  /**
   * @param basis why no number can be given
   */
  public record None(String basis) implements Estimate {}

  /** One file the probe fetched: its size, and when it arrived, counted from the probe's start. */
  public record Sample(long bytes, long arrivedNanos) {}

  /**
   * What publishing costs on this disk: making each file durable, its folder and its rename.
   *
   * @param secondsPerFile the fixed cost of one file
   * @param secondsPerByte the cost of its bytes (the flush of what the transfer wrote)
   * @param sustained whether the bytes' cost is the disk's sustained rate, written past the page
   *     cache, rather than a flush that a cache may have absorbed
   */
  public record Publishing(double secondsPerFile, double secondsPerByte, boolean sustained) {
    public static final Publishing FREE = new Publishing(0, 0, false);

    double seconds(long files, long bytes) {
      return secondsPerFile * files + secondsPerByte * bytes;
    }
  }

  /** What an earlier run's transfer phase moved, and in how long. */
  public record Run(long files, long bytes, long millis) {}

  /**
   * From a probe: the first file pays for the connections' set-up and a cold start, once; after it,
   * the plan's files arrive at the rate the probe's did, files a second and bytes a second, all
   * downloads under way at once sharing the link, the upstream and this machine as the sync's will.
   * The slower of the two rates counts, for a plan whose mix of sizes is not the sample's.
   *
   * @param samples the probe's files that arrived, in any order; an empty list gives no estimate
   * @param parallel the downloads under way at once, for the basis
   */
  public static Estimate fromProbe(
      long files, long bytes, List<Sample> samples, int parallel, int probed) {
    return fromProbe(files, bytes, samples, parallel, probed, Publishing.FREE);
  }

  /**
   * From a probe, with publishing: each chunk of files is published while the next ones are
   * fetched, so the longer of the two is the time.
   */
  public static Estimate fromProbe(
      long files,
      long bytes,
      List<Sample> samples,
      int parallel,
      int probed,
      Publishing publishing) {
    if (files == 0) return new Seconds(0, "nothing to fetch");
    long got = samples.stream().mapToLong(Sample::bytes).sum();
    if (samples.isEmpty() || got == 0) {
      return new None(
          "the probe of "
              + probed
              + " planned file(s) moved no bytes (missing or failing upstream)");
    }
    List<Sample> arrived = new java.util.ArrayList<>(samples);
    arrived.sort(java.util.Comparator.comparingLong(Sample::arrivedNanos));
    Sample first = arrived.getFirst();
    double ramp = first.arrivedNanos() / 1e9;
    double span = (arrived.getLast().arrivedNanos() - first.arrivedNanos()) / 1e9;
    long restBytes = got - first.bytes();
    double transfer;
    String rates;
    if (arrived.size() < 2 || span <= 0 || restBytes <= 0) {
      // Nothing after the first to measure a rate by: the whole probe, scaled.
      double whole = arrived.getLast().arrivedNanos() / 1e9;
      transfer = whole * Math.max((double) files / arrived.size(), (double) bytes / got);
      rates = String.format("all in %.0f ms", whole * 1e3);
    } else {
      double filesPerSecond = (arrived.size() - 1) / span;
      double bytesPerSecond = restBytes / span;
      transfer =
          ramp
              + Math.max(
                  Math.max(0, files - 1) / filesPerSecond,
                  Math.max(0, bytes - first.bytes()) / bytesPerSecond);
      rates =
          String.format(
              "the first in %.0f ms, then %.0f files/s and %.1f MB/s",
              ramp * 1e3, filesPerSecond, bytesPerSecond / 1e6);
    }
    double publish = publishing.seconds(files, bytes);
    return new Seconds(
        Math.max(transfer, publish),
        String.format(
                "from a probe of %d files (%.1f MB), %d downloads at once: %s; publishing beside"
                    + " it %.1f s",
                arrived.size(), got / 1e6, parallel, rates, publish)
            + measured(publishing));
  }

  /** What the basis says of publishing's own measurement, when there was one. */
  private static String measured(Publishing publishing) {
    if (publishing == Publishing.FREE) return "";
    return String.format(
        " (%.2f ms per file + %.0f MB/s to disk%s, measured now)",
        publishing.secondsPerFile() * 1e3,
        publishing.secondsPerByte() > 0 ? 1e-6 / publishing.secondsPerByte() : 0,
        publishing.sustained() ? " sustained" : "");
  }

  /**
   * From earlier runs: at their byte and file rates, whichever gives the longer time.
   *
   * @param runs earlier runs that fetched something
   */
  public static Estimate fromHistory(long files, long bytes, List<Run> runs) {
    if (files == 0) return new Seconds(0, "nothing to fetch");
    long runFiles = runs.stream().mapToLong(Run::files).sum();
    long runBytes = runs.stream().mapToLong(Run::bytes).sum();
    double seconds = runs.stream().mapToLong(Run::millis).sum() / 1000.0;
    if (runs.isEmpty() || runFiles == 0 || seconds <= 0) {
      return new None("no earlier run fetched anything");
    }
    double byBytes = runBytes > 0 ? bytes / (runBytes / seconds) : 0;
    double byFiles = files / (runFiles / seconds);
    return new Seconds(
        Math.max(byBytes, byFiles),
        String.format(
            "at %.1f MB/s and %.0f files/s, from %d earlier run(s)",
            runBytes / seconds / 1e6, runFiles / seconds, runs.size()));
  }
}
