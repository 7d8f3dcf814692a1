package org.repomirror.transfer;

import java.util.concurrent.TimeUnit;

/**
 * A bandwidth limit shared by all transfers: a token bucket refilled at the rate, holding at most
 * one second of tokens. Thread-safe.
 */
public final class Throttle {
  /** No limit. */
  public static final Throttle NONE = new Throttle(0);

  private final long bytesPerSecond;
  private double tokens;
  private long lastNanos = System.nanoTime();

  /**
   * @param bytesPerSecond the rate; 0 means unlimited
   */
  public Throttle(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Blocks until {@code bytes} may pass. */
  public void acquire(int bytes) throws InterruptedException {
    if (bytesPerSecond <= 0) return;
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
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
