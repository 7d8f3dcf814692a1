package org.repomirror.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Waits for the start of a maintenance window ({@code sync --at}): a countdown on a terminal, a
 * line a minute otherwise. The clock and the sleep are injected, so tests need not wait.
 */
final class StartAt {
  /** Sleeps; the real one is {@link Thread#sleep}. */
  @FunctionalInterface
  interface Sleeper {
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

    void sleep(Duration d) throws InterruptedException;
  }

  private final Clock clock;
  private final Sleeper sleeper;
  private final boolean terminal;
  private final PrintWriter out;

  StartAt(Clock clock, Sleeper sleeper, boolean terminal, PrintWriter out) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.terminal = terminal;
    this.out = out;
  }

  /** An ISO-8601 time with a zone or offset, e.g. {@code 2026-11-27T17:00:00Z}. */
  static Instant parse(String text) {
    return OffsetDateTime.parse(text).toInstant();
  }

  /** Returns once the clock has reached {@code at}; at once when it already has. */
  void waitUntil(Instant at) throws InterruptedException {
    Instant now = clock.instant();
    if (!now.isBefore(at)) return;
    out.println("waiting until " + at + " (" + format(Duration.between(now, at)) + ")");
    long lastLine = -1;
    while (now.isBefore(at)) {
      Duration left = Duration.between(now, at);
      if (terminal) {
        out.print("\rstarting in " + format(left) + "   ");
        out.flush();
      } else if (left.toMinutes() != lastLine) {
        lastLine = left.toMinutes();
        out.println("starting in " + format(left));
      }
      Duration step = left.compareTo(Duration.ofSeconds(1)) < 0 ? left : Duration.ofSeconds(1);
      sleeper.sleep(step);
      now = clock.instant();
    }
    if (terminal) out.println();
    out.println("starting at " + now);
  }

  /** {@code 1:29:05}; days as hours. */
  static String format(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
