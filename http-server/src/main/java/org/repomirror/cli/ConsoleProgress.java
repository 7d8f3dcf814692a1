package org.repomirror.cli;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.repomirror.report.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows a sync's progress: a bar with the percentage done, files, bytes, rate and ETA on a
 * terminal, or a log line at a steady interval otherwise (cron, systemd, CI). The percentage never
 * goes backwards ({@link MonotonicPercent}). Thread-safe.
 */
final class ConsoleProgress implements Progress, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("repomirror.progress");

  private final AtomicLong plannedFiles = new AtomicLong();
  private final AtomicLong plannedBytes = new AtomicLong();
  private final AtomicLong doneFiles = new AtomicLong();
  private final AtomicLong doneBytes = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private final MonotonicPercent percent = new MonotonicPercent();
  private final ProgressBar bar;
  private final ScheduledExecutorService ticker;

  /**
   * @param terminal whether standard output is a terminal
   * @param logEverySeconds the interval of log lines off a terminal
   */
  ConsoleProgress(boolean terminal, int logEverySeconds) {
    if (terminal) {
      // The bar counts percent, which never goes backwards; files, bytes and rate follow it.
      bar =
          new ProgressBarBuilder()
              .setTaskName("sync")
              .setStyle(ProgressBarStyle.ASCII)
              .setUnit("%", 1)
              .hideEta()
              .setInitialMax(100)
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
  public void done(long files, long bytes) {
    doneFiles.addAndGet(files);
    doneBytes.addAndGet(bytes);
    if (bar != null) show();
  }

  private void show() {
    bar.stepTo(percent());
    bar.setExtraMessage(" " + figures());
  }

  private int percent() {
    return percent.update(doneFiles.get(), plannedFiles.get(), doneBytes.get(), plannedBytes.get());
  }

  /** Files and bytes done of those planned so far, the rate, and the time left at that rate. */
  private String figures() {
    double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
    long bytes = doneBytes.get();
    double rate = bytes / seconds;
    long left = Math.max(0, plannedBytes.get() - bytes);
    String eta = rate > 0 ? Math.round(left / rate) + " s" : "unknown";
    return String.format(
        "files %d/%d, %.1f / %.1f MB, %.1f MB/s, ETA %s",
        doneFiles.get(),
        plannedFiles.get(),
        bytes / 1e6,
        plannedBytes.get() / 1e6,
        rate / 1e6,
        eta);
  }

  private void logLine() {
    log.info("progress: {} %, {}", percent(), figures());
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.stepTo(percent.finish(doneFiles.get(), plannedFiles.get()));
      bar.close();
    }
    if (ticker != null) ticker.shutdownNow();
  }
}
