package org.repomirror.config;

import java.time.Duration;
import java.util.List;

/**
 * How {@code serve} pins each client to one generation of a suite's metadata (key {@code
 * server.pinning}). A null argument takes the default written next to its key.
 *
 * @param window how long a client address stays pinned after it fetched a suite's Release, for a
 *     legacy client that opens a new connection before it fetches the indexes; 0 turns pinning off
 * @param tableSize client addresses remembered at most (about 200 bytes each); beyond it the least
 *     recently pinned are forgotten
 * @param maxAge the longest any pin lasts, a long connection's included; keep it at most the sync's
 *     {@code delete-grace}, which is how long a superseded generation is kept
 * @param trustedProxies caches and proxies in front of the server, whose {@code X-Forwarded-For}
 *     names the client: their requests are pinned by that client's address, and never by their
 *     connection, which carries many clients' requests
 */
public record PinningConfig(
    Duration window, Integer tableSize, Duration maxAge, List<Subnet> trustedProxies) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(2);
  public static final int DEFAULT_TABLE_SIZE = 100_000;
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);

  public PinningConfig {
    window = window != null ? window : DEFAULT_WINDOW;
    tableSize = tableSize != null ? tableSize : DEFAULT_TABLE_SIZE;
    maxAge = maxAge != null ? maxAge : DEFAULT_MAX_AGE;
    trustedProxies = trustedProxies != null ? List.copyOf(trustedProxies) : List.of();
    if (window.isNegative()) throw new InvalidValueException("window", "must not be negative");
    if (tableSize < 1) {
      throw new InvalidValueException("table-size", "must be at least 1, got " + tableSize);
    }
    if (maxAge.compareTo(window) < 0) {
      throw new InvalidValueException(
          "max-age", "must be at least the window (" + Durations.format(window) + ")");
    }
  }

  public static PinningConfig defaults() {
    return new PinningConfig(null, null, null, null);
  }

  public boolean enabled() {
    return !window.isZero();
  }
}
