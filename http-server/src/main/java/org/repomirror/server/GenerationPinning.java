package org.repomirror.server;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.repomirror.http.RequestPath;
import org.repomirror.store.ServedTree;

/**
 * Serves each client one generation of a suite's metadata: the one it fetched the suite's Release,
 * InRelease or Release.gpg from. A client keeps it for the rest of its connection, and its address
 * keeps it while it goes on fetching under the suite with pauses shorter than the pin window, since
 * a legacy client may open a new connection between the Release and the indexes; a new update (a
 * Release or InRelease more than a window after the pin was made) gets the current generation;
 * while an address's pin lives, every client behind that address gets the same generation, so that
 * clients behind one NAT stay consistent too. A request from a trusted proxy is pinned by the
 * client its {@code X-Forwarded-For} names, and never by the proxy's connection, which carries the
 * requests of many clients. Pool files are never pinned: they are not part of any generation. A
 * suite the sync has no generations of is served from the tree as it is. Thread-safe; the
 * per-connection state lives in {@link Connection}.
 */
final class GenerationPinning {
  private static final Set<String> RELEASE_FILES = Set.of("InRelease", "Release", "Release.gpg");
  private static final long CURRENT_TTL_NANOS = 1_000_000_000L;
  private static final String X_FORWARDED_FOR = "X-Forwarded-For";

  /**
   * A connection's pins, one per suite. The streams of an HTTP/2 connection share them, and may
   * resolve off the loop at once (a tree that fetches): a concurrent map.
   */
  static final class Connection {
    private final Map<String, PinTable.Pin> pins = new ConcurrentHashMap<>(2);

    int size() {
      return pins.size();
    }
  }

  private final ServedTree tree;
  private final PinTable table;
  private final boolean enabled;
  private final TrustedProxies proxies;
  private final LongAdder olderServed = new LongAdder();
  private final ConcurrentHashMap<String, long[]> currentCache = new ConcurrentHashMap<>();

  GenerationPinning(ServedTree tree, PinTable table, boolean enabled, TrustedProxies proxies) {
    this.tree = tree;
    this.table = table;
    this.enabled = enabled;
    this.proxies = proxies;
  }

  /**
   * What to answer a request with instead of the tree as it is now; empty to let the tree answer.
   *
   * @param remote the address the connection comes from, or null when it has none
   */
  Optional<ServedTree.Resolved> resolve(
      Connection c, InetAddress remote, HttpHeaders headers, RequestPath path) {
    if (!enabled) return Optional.empty();
    if (remote != null && proxies.trusts(remote)) {
      List<String> forwarded = headers.getAll(X_FORWARDED_FOR);
      InetAddress client =
          proxies.client(remote, forwarded.isEmpty() ? null : String.join(",", forwarded));
      return resolve(new Connection(), client, path);
    }
    return resolve(c, remote, path);
  }

  /** The same, for a client known by its address (null: by its connection alone). */
  private Optional<ServedTree.Resolved> resolve(
      Connection c, InetAddress client, RequestPath path) {
    if (!enabled || path.trailingSlash()) return Optional.empty();
    List<String> segments = path.segments();
    if (segments.size() >= 3
        && RELEASE_FILES.contains(segments.getLast())
        && segments.subList(0, segments.size() - 2).contains("dists")) {
      return release(c, client, path);
    }
    if (c.pins.isEmpty() && table.isEmpty()) return Optional.empty(); // a pool download, mostly
    return pinned(c, client, path.relative());
  }

  /** A Release file: from the generation the client is pinned to, or pins it to the current. */
  private Optional<ServedTree.Resolved> release(
      Connection c, InetAddress client, RequestPath path) {
    String rel = path.relative();
    String dist = rel.substring(0, rel.lastIndexOf('/'));
    OptionalLong served = tree.generation(dist);
    if (served.isEmpty()) return Optional.empty(); // the sync keeps no generations of it
    long current = served.getAsLong();
    String name = path.segments().getLast();
    boolean signature = name.equals("Release.gpg");
    PinTable.Pin pin = answering(usable(c.pins.get(dist)), signature);
    if (pin == null && client != null) {
      pin =
          table.forUpdate(
              client,
              dist,
              p -> answering(usable(p), signature) != null,
              () -> tree.generation(dist).orElse(current));
    }
    if (pin == null) pin = table.pin(dist, current);
    c.pins.put(pin.dist(), pin);
    table.touch(client, pin);
    return serve(pin, name, current);
  }

  /**
   * A pin, if it may answer a request for a Release file. A Release or InRelease starts an update,
   * which keeps a pin only while it is fresh, on a connection too (a cache's long-lived connection
   * carries update after update); else it gets the current generation. Release.gpg belongs to the
   * Release before it, however long that took to arrive.
   */
  private PinTable.Pin answering(PinTable.Pin pin, boolean signature) {
    return pin != null && (signature || table.fresh(pin)) ? pin : null;
  }

  /** Anything else under a suite the client is pinned to; the tree for the rest. */
  private Optional<ServedTree.Resolved> pinned(Connection c, InetAddress client, String rel) {
    PinTable.Pin pin = longestPrefix(c.pins, rel);
    if (pin == null && client != null) {
      pin = longestPrefix(table.live(client), rel);
      if (pin != null) c.pins.put(pin.dist(), pin);
    }
    if (pin == null) return Optional.empty();
    if (table.tooOld(pin) || !tree.hasGeneration(pin.dist(), pin.generation())) {
      c.pins.remove(pin.dist()); // lapsed, or the sync removed it: the tree as it is now
      return Optional.empty();
    }
    table.touch(client, pin);
    return serve(pin, rel.substring(pin.dist().length() + 1), currentOf(pin.dist()));
  }

  private Optional<ServedTree.Resolved> serve(PinTable.Pin pin, String below, long current) {
    Optional<ServedTree.Resolved> r = tree.inGeneration(pin.dist(), pin.generation(), below);
    if (r.orElse(null) instanceof ServedTree.RegularFile && pin.generation() != current) {
      olderServed.increment();
    }
    return r;
  }

  private PinTable.Pin usable(PinTable.Pin p) {
    return p != null && !table.tooOld(p) && tree.hasGeneration(p.dist(), p.generation()) ? p : null;
  }

  private static PinTable.Pin longestPrefix(Map<String, PinTable.Pin> pins, String rel) {
    PinTable.Pin best = null;
    for (PinTable.Pin p : pins.values()) {
      if (rel.startsWith(p.dist() + "/")
          && (best == null || p.dist().length() > best.dist().length())) {
        best = p;
      }
    }
    return best;
  }

  /** The current generation of a suite, read at most once a second (for the metrics only). */
  private long currentOf(String dist) {
    long now = table.now();
    long[] cached = currentCache.get(dist);
    if (cached != null && now - cached[1] < CURRENT_TTL_NANOS) return cached[0];
    long current = tree.generation(dist).orElse(-1);
    currentCache.put(dist, new long[] {current, now});
    return current;
  }

  /** Requests answered from a generation older than the one served now. */
  long olderServed() {
    return olderServed.sum();
  }

  long pinnedAddresses() {
    return table.addresses();
  }

  long generationsKept() {
    return tree.generationsKept();
  }
}
