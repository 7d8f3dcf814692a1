package org.repomirror.transfer;

import java.util.concurrent.TimeUnit;
import org.repomirror.run.Ticker;

/**
 * A bandwidth limit shared by all transfers: a token bucket refilled at the rate, holding at most
 * one second of tokens. Thread-safe.
 */
public final class Throttle {
  /** No limit. */
  public static final Throttle NONE = new Throttle(0, () -> 0);

  private final long bytesPerSecond;
  private final Ticker ticker;
  private double tokens;
  private long lastNanos;

  /**
   * @param bytesPerSecond the rate; 0 means unlimited
   * @param ticker measures the time between two transfers
   */
  public Throttle(long bytesPerSecond, Ticker ticker) {
    this.bytesPerSecond = bytesPerSecond;
    this.ticker = ticker;
    this.lastNanos = ticker.nanos();
  }

  /** Blocks until {@code bytes} may pass. */
  public void acquire(int bytes) throws InterruptedException {
    if (bytesPerSecond <= 0) return;
    long waitNanos;
    synchronized (this) {
      long now = ticker.nanos();
      tokens = Math.min(bytesPerSecond, tokens + (now - lastNanos) * bytesPerSecond / 1e9);
      lastNanos = now;
      tokens -= bytes;
      waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
    }
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }
}
