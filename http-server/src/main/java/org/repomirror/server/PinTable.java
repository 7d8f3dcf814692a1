package org.repomirror.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which generation of each suite a client address was pinned to, for the window after it fetched
 * the suite's Release. Bounded: at most {@code maxAddresses} addresses, the least recently pinned
 * forgotten first (about 200 bytes each, so the default 100,000 take about 20 MB). Suite names are
 * shared between entries. Thread-safe.
 */
final class PinTable {
  /**
   * A client's pin on one suite.
   *
   * @param createdNanos when the Release that made it was fetched, on the table's ticker
   */
  record Pin(String dist, long generation, long createdNanos) {}

  private final Cache<InetAddress, Map<String, Pin>> byAddress;
  private final ConcurrentHashMap<String, String> dists = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final long windowNanos;
  private final long maxAgeNanos;

  PinTable(Duration window, int maxAddresses, Duration maxAge, Ticker ticker) {
    this.ticker = ticker;
    this.windowNanos = window.toNanos();
    this.maxAgeNanos = maxAge.toNanos();
    this.byAddress =
        Caffeine.newBuilder()
            .maximumSize(maxAddresses)
            .expireAfterWrite(window)
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
  }

  long now() {
    return ticker.read();
  }

  /** A pin made now, with its suite's name shared. */
  Pin pin(String dist, long generation) {
    String shared = dists.computeIfAbsent(dist, d -> d);
    return new Pin(shared, generation, ticker.read());
  }

  /** The address's pin on a suite, when it is within its window. */
  Optional<Pin> live(InetAddress address, String dist) {
    Map<String, Pin> pins = byAddress.getIfPresent(address);
    if (pins == null) return Optional.empty();
    Pin p = pins.get(dist);
    return p != null && ticker.read() - p.createdNanos() < windowNanos
        ? Optional.of(p)
        : Optional.empty();
  }

  /** The address's live pins, for a request under any suite. */
  Map<String, Pin> live(InetAddress address) {
    Map<String, Pin> pins = byAddress.getIfPresent(address);
    if (pins == null) return Map.of();
    long now = ticker.read();
    Map<String, Pin> live = new HashMap<>();
    pins.forEach(
        (d, p) -> {
          if (now - p.createdNanos() < windowNanos) live.put(d, p);
        });
    return live;
  }

  void put(InetAddress address, Pin pin) {
    byAddress
        .asMap()
        .compute(
            address,
            (a, old) -> {
              Map<String, Pin> next = old == null ? new HashMap<>(2) : new HashMap<>(old);
              next.put(pin.dist(), pin);
              return Map.copyOf(next);
            });
  }

  /** Whether a pin has outlived the longest a pin may last. */
  boolean tooOld(Pin pin) {
    return ticker.read() - pin.createdNanos() >= maxAgeNanos;
  }

  /** Addresses remembered now (some may have expired and not yet been dropped). */
  long addresses() {
    byAddress.cleanUp();
    return byAddress.estimatedSize();
  }

  boolean isEmpty() {
    return byAddress.estimatedSize() == 0;
  }
}
