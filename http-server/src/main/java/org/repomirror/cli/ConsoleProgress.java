package org.repomirror.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.repomirror.run.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows a sync's progress: a bar with the percentage done, files, bytes, rate and ETA on a
 * terminal, or a log line at a steady interval otherwise (cron, systemd, CI), also printed to the
 * command that handed the sync to a server. While the run still plans, the bar has no end and the
 * figures say "planned so far"; then the percentage follows the bytes and never goes backwards
 * ({@link MonotonicPercent}). Thread-safe.
 */
final class ConsoleProgress implements Progress, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("repomirror.progress");

  private final AtomicLong plannedFiles = new AtomicLong();
  private final AtomicLong plannedBytes = new AtomicLong();
  private final AtomicLong doneFiles = new AtomicLong();
  private final AtomicLong doneBytes = new AtomicLong();
  private volatile boolean planComplete;
  private final long startNanos = System.nanoTime();
  private final MonotonicPercent percent = new MonotonicPercent();
  private final ProgressBar bar;
  private final ScheduledExecutorService ticker;
  private final PrintWriter relay;

  /**
   * @param terminal whether standard output is a terminal
   * @param logEverySeconds the interval of log lines off a terminal
   */
  ConsoleProgress(boolean terminal, int logEverySeconds) {
    this(terminal, logEverySeconds, null);
  }

  /**
   * @param relay where the log lines are printed too: the output of the command that handed the
   *     sync over; null for none
   */
  ConsoleProgress(boolean terminal, int logEverySeconds, PrintWriter relay) {
    this.relay = relay;
    if (terminal && relay == null) {
      // The bar counts percent, which never goes backwards; files, bytes and rate follow it.
      bar =
          new ProgressBarBuilder()
              .setTaskName("sync")
              .setStyle(ProgressBarStyle.ASCII)
              .setUnit("%", 1)
              .hideEta()
              .setInitialMax(-1) // no end while planning
              .build();
      ticker = null;
    } else {
      bar = null;
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::logLine, logEverySeconds, logEverySeconds, TimeUnit.SECONDS);
    }
  }

  @Override
  public void planned(long files, long bytes) {
    plannedFiles.addAndGet(files);
    plannedBytes.addAndGet(bytes);
    if (bar != null) show();
  }

  @Override
  public void planComplete() {
    planComplete = true;
    if (bar != null) {
      bar.maxHint(100);
      show();
    }
  }

  @Override
  public void done(long files, long bytes) {
    doneFiles.addAndGet(files);
    doneBytes.addAndGet(bytes);
    if (bar != null) show();
  }

  private void show() {
    int p = percent();
    if (p != MonotonicPercent.UNKNOWN) bar.stepTo(p);
    bar.setExtraMessage(" " + figures());
  }

  private int percent() {
    return percent.update(
        doneFiles.get(), plannedFiles.get(), doneBytes.get(), plannedBytes.get(), planComplete);
  }

  /**
   * Files and bytes done of those planned (so far, while planning), the rate, and the time left at
   * that rate once the plan is complete.
   */
  private String figures() {
    double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
    long bytes = doneBytes.get();
    double rate = bytes / seconds;
    long left = Math.max(0, plannedBytes.get() - bytes);
    String eta =
        !planComplete ? "after planning" : rate > 0 ? Math.round(left / rate) + " s" : "unknown";
    return String.format(
        "files %d/%d%s, %.1f / %.1f MB, %.1f MB/s, ETA %s",
        doneFiles.get(),
        plannedFiles.get(),
        planComplete ? "" : " planned so far",
        bytes / 1e6,
        plannedBytes.get() / 1e6,
        rate / 1e6,
        eta);
  }

  private void logLine() {
    int p = percent();
    String line = (p == MonotonicPercent.UNKNOWN ? "planning" : p + " %") + ", " + figures();
    log.info("progress: {}", line);
    if (relay != null) relay.println("sync: progress: " + line);
  }

  @Override
  public void close() {
    if (bar != null) {
      int end = percent.finish(doneFiles.get(), plannedFiles.get());
      bar.maxHint(100);
      if (end != MonotonicPercent.UNKNOWN) bar.stepTo(end);
      bar.setExtraMessage(" " + figures());
      bar.close();
    }
    if (ticker != null) ticker.shutdownNow();
  }
}
