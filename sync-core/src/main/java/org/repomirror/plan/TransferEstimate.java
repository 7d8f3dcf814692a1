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

  /** One file the probe fetched: its size and how long its download took. */
  public record Sample(long bytes, long nanos) {}

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
   * From a probe: each file's time is fitted as {@code a + b × size} (latency, and the wait behind
   * the requests before it on its connection, plus bytes at the rate one of {@code parallel}
   * downloads under way at once gets), and the plan's files are assumed to keep them all busy.
   *
   * @param samples the probe's files that arrived, in the order they were asked for; an empty list
   *     gives no estimate
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
    // The first files of each download slot pay for its set-up and a cold JIT, which a long sync
    // does not: the fit uses the files after them, when there are enough.
    int warmUp = 2 * Math.max(1, parallel);
    Fit fit =
        Fit.of(samples.size() >= 2 * warmUp ? samples.subList(warmUp, samples.size()) : samples);
    double transfer = (fit.perFile * files + fit.perByte * bytes) / Math.max(1, parallel);
    double publish = publishing.seconds(files, bytes);
    return new Seconds(
        Math.max(transfer, publish),
        String.format(
                "from a probe of %d files (%.1f MB), %d downloads at once: %.0f ms per file + %s per"
                    + " download; publishing beside it %.1f s",
                samples.size(),
                got / 1e6,
                parallel,
                fit.perFile * 1e3,
                fit.perByte > 0
                    ? String.format("%.1f MB/s", 1e-6 / fit.perByte)
                    : "no time per byte",
                publish)
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

  /** Least squares of {@code nanos = a + b × bytes}, with neither coefficient negative. */
  private record Fit(double perFile, double perByte) {
    static Fit of(List<Sample> samples) {
      int n = samples.size();
      double sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (Sample s : samples) {
        double x = s.bytes();
        double y = s.nanos() / 1e9;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
      }
      double denominator = n * sxx - sx * sx;
      if (n >= 2 && denominator > 0) {
        double b = (n * sxy - sx * sy) / denominator;
        double a = (sy - b * sx) / n;
        if (a >= 0 && b >= 0) return new Fit(a, b);
        if (b < 0) return new Fit(sy / n, 0);
      }
      // One size only, or latency fitted below zero: all of the time is per byte.
      return sxx > 0 ? new Fit(0, sxy / sxx) : new Fit(sy / n, 0);
    }
  }
}
