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
 * Shows a sync's progress: a bar with files, bytes, rate and ETA on a terminal, or a log line at a
 * steady interval otherwise (cron, systemd, CI). Thread-safe.
 */
final class ConsoleProgress implements Progress, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("repomirror.progress");

  private final AtomicLong plannedFiles = new AtomicLong();
  private final AtomicLong plannedBytes = new AtomicLong();
  private final AtomicLong doneFiles = new AtomicLong();
  private final AtomicLong doneBytes = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private final ProgressBar bar;
  private final ScheduledExecutorService ticker;

  /**
   * @param terminal whether standard output is a terminal
   * @param logEverySeconds the interval of log lines off a terminal
   */
  ConsoleProgress(boolean terminal, int logEverySeconds) {
    if (terminal) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("sync")
              .setStyle(ProgressBarStyle.ASCII)
              .setUnit(" MB", 1_000_000)
              .showSpeed()
              .setInitialMax(0)
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
    long total = plannedBytes.addAndGet(bytes);
    if (bar != null) bar.maxHint(total);
  }

  @Override
  public void done(long files, long bytes) {
    long n = doneFiles.addAndGet(files);
    doneBytes.addAndGet(bytes);
    if (bar != null) {
      bar.stepBy(bytes);
      bar.setExtraMessage(" " + n + "/" + plannedFiles.get() + " files");
    }
  }

  private void logLine() {
    double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
    long bytes = doneBytes.get();
    double rate = bytes / seconds;
    long left = Math.max(0, plannedBytes.get() - bytes);
    String eta = rate > 0 ? Math.round(left / rate) + " s" : "unknown";
    log.info(
        "progress: files {}/{}, {} / {} MB, {} MB/s, ETA {}",
        doneFiles.get(),
        plannedFiles.get(),
        String.format("%.1f", bytes / 1e6),
        String.format("%.1f", plannedBytes.get() / 1e6),
        String.format("%.1f", rate / 1e6),
        eta);
  }

  @Override
  public void close() {
    if (bar != null) bar.close();
    if (ticker != null) ticker.shutdownNow();
  }
}
