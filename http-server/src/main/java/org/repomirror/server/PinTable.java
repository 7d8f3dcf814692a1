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
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Which generation of each suite a client address was pinned to. A pin stays live while the address
 * keeps using it, until a window passes without a request under the suite; it is fresh for the
 * window after the Release that made it, and only a fresh pin may answer a new Release (see {@link
 * GenerationPinning}). Bounded: at most {@code maxAddresses} addresses, the least recently pinned
 * forgotten first (about 200 bytes each, so the default 100,000 take about 20 MB). Suite names are
 * shared between entries. Thread-safe.
 */
final class PinTable {
  /** A client's pin on one suite; times on the table's ticker. */
  static final class Pin {
    private final String dist;
    private final long generation;
    private final long createdNanos;
    private volatile long lastUsedNanos;

    Pin(String dist, long generation, long createdNanos) {
      this.dist = dist;
      this.generation = generation;
      this.createdNanos = createdNanos;
      this.lastUsedNanos = createdNanos;
    }

    String dist() {
      return dist;
    }

    long generation() {
      return generation;
    }

    /** When the Release that made it was fetched. */
    long createdNanos() {
      return createdNanos;
    }
  }

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
            .expireAfterAccess(window)
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

  /** The address's pin on a suite, when it was used within the window. */
  Optional<Pin> live(InetAddress address, String dist) {
    Map<String, Pin> pins = byAddress.getIfPresent(address);
    if (pins == null) return Optional.empty();
    Pin p = pins.get(dist);
    return p != null && live(p, ticker.read()) ? Optional.of(p) : Optional.empty();
  }

  /** The address's live pins, for a request under any suite. */
  Map<String, Pin> live(InetAddress address) {
    Map<String, Pin> pins = byAddress.getIfPresent(address);
    if (pins == null) return Map.of();
    long now = ticker.read();
    Map<String, Pin> live = new HashMap<>();
    pins.forEach(
        (d, p) -> {
          if (live(p, now)) live.put(d, p);
        });
    return live;
  }

  /**
   * The pin an update from an address starts from: the address's own when it is live and {@code
   * mayAnswer} takes it, else a new pin on the generation {@code current} gives, which becomes the
   * address's. Atomic per address, and the current generation is read inside, so pins are made in
   * the order of their generations: two updates that start at once across a publish can never leave
   * the address pinned behind a generation one of them was given.
   */
  Pin forUpdate(InetAddress address, String dist, Predicate<Pin> mayAnswer, LongSupplier current) {
    Pin[] chosen = new Pin[1];
    byAddress
        .asMap()
        .compute(
            address,
            (a, old) -> {
              Pin own = old == null ? null : old.get(dist);
              if (own != null && live(own, ticker.read()) && mayAnswer.test(own)) {
                chosen[0] = own;
                return old;
              }
              chosen[0] = pin(dist, current.getAsLong());
              Map<String, Pin> next = old == null ? new HashMap<>(2) : new HashMap<>(old);
              next.put(dist, chosen[0]);
              return Map.copyOf(next);
            });
    return chosen[0];
  }

  private boolean live(Pin p, long now) {
    return now - p.lastUsedNanos < windowNanos;
  }

  /** Whether the Release that made a pin was fetched within the window. */
  boolean fresh(Pin pin) {
    return ticker.read() - pin.createdNanos < windowNanos;
  }

  /**
   * Records a request answered through a pin, which keeps it, and the address's entry, live.
   *
   * @param address the client's address, or null
   */
  void touch(InetAddress address, Pin pin) {
    long now = ticker.read();
    if (now - pin.lastUsedNanos < 1_000_000L) return; // a write per millisecond at most
    pin.lastUsedNanos = now;
    if (address != null) byAddress.getIfPresent(address);
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
