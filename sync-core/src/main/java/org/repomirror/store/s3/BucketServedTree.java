package org.repomirror.store.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.repomirror.store.Generations;
import org.repomirror.store.ServedTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The published tree in a bucket, as a server node reads it. The node keeps nothing a crash could
 * lose: it learns each suite's generation from the suite's pointer object (read again after a
 * second), serves a suite's files from that generation's own objects, and everything else from its
 * plain key. Objects are brought into a bounded local cache ({@link ObjectCache}) and sent from
 * there as any file; a generation's objects never change, and a plain key's is asked about again
 * after a second (in the background while the path is busy, for up to ten seconds). A link object
 * is followed only when its target stays inside the tree and names nothing hidden. Thread-safe.
 */
public final class BucketServedTree implements ServedTree {
  /** How long a pointer, a plain key's metadata or the list of suites is trusted as it is. */
  private static final long TRUST_NANOS = 1_000_000_000L;

  /** How long one is used while it is read again in the background. */
  private static final long STALE_NANOS = 10 * TRUST_NANOS;

  private static final int MAX_LINKS_FOLLOWED = 8;
  private static final int MAX_HELD = 100_000;
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;
  private static final Logger log = LoggerFactory.getLogger(BucketServedTree.class);

  private final LongAdder failures = new LongAdder();
  private final AtomicLong lastLogged = new AtomicLong();

  private final Bucket bucket;
  private final ObjectCache cache;
  private final LongSupplier nanoTime;
  private final Path folders;
  private final S3Client client;

  private record Seen<T>(T value, long at) {}

  private final Map<String, Seen<OptionalLong>> pointers = new ConcurrentHashMap<>();
  private final Map<String, Seen<Optional<Bucket.Head>>> heads = new ConcurrentHashMap<>();

  /** Whether objects sit below a key: a folder's one look, trusted as a head is. */
  private final Map<String, Seen<Boolean>> occupied = new ConcurrentHashMap<>();

  /**
   * Paths in a switched-to generation where nothing is, file or folder: a generation never changes
   * once a pointer named it, so a path apt asks for and the suite lacks (a translation, a pdiff
   * index) costs the store one look per node, not one per request.
   */
  private final Set<String> absentInGeneration = ConcurrentHashMap.newKeySet();

  private final Map<String, Seen<List<Long>>> kept = new ConcurrentHashMap<>();

  /** What is being read again in the background, so that it is read once at a time. */
  private final Set<String> underway = ConcurrentHashMap.newKeySet();

  private final ExecutorService refreshing =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "store-refresh");
            t.setDaemon(true);
            return t;
          });
  private volatile Seen<List<String>> suites;

  /**
   * @param cache where objects are kept on this node's disk
   * @param nanoTime a monotonic clock in nanoseconds, for how long what was read is trusted
   */
  BucketServedTree(Bucket bucket, ObjectCache cache, LongSupplier nanoTime, S3Client client) {
    this.client = client;
    this.bucket = bucket;
    this.cache = cache;
    this.nanoTime = nanoTime;
    this.folders = cache.folder().resolve("folders");
  }

  @Override
  public Resolved resolve(String path) {
    try {
      return resolve(path, 0);
    } catch (IOException e) {
      return unavailable(e);
    } catch (UncheckedIOException e) {
      return new Unavailable(e.getCause().getMessage()); // counted where it was thrown
    }
  }

  /** A store failure nothing read before can stand in for: counted and logged, then thrown. */
  private UncheckedIOException failed(IOException e) {
    unavailable(e);
    return new UncheckedIOException(e);
  }

  /**
   * The store did not answer: counted, and said in the log (once in a while, however many requests
   * meet it), so that the request gets a 503 rather than a 404.
   */
  private Resolved unavailable(IOException e) {
    failures.increment();
    long now = nanoTime.getAsLong();
    long last = lastLogged.get();
    if ((last == 0 || now - last > LOG_EVERY_NANOS) && lastLogged.compareAndSet(last, now)) {
      log.warn("the store does not answer; requests get 503 until it does: {}", e.getMessage());
    }
    return new Unavailable(e.getMessage());
  }

  @Override
  public long storeFailures() {
    return failures.sum();
  }

  private Resolved resolve(String path, int links) throws IOException {
    if (hidden(path)) return MISSING;
    if (path.isEmpty()) return folder("", "");
    String dist = suiteOf(path);
    if (dist != null) {
      OptionalLong current = generation(dist);
      if (current.isPresent()) {
        String below = path.equals(dist) ? "" : path.substring(dist.length() + 1);
        Optional<Resolved> held =
            below.isEmpty() ? Optional.empty() : inGeneration(dist, current.getAsLong(), below);
        if (held.isPresent()) return held.get();
        return folder(generationKey(dist, current.getAsLong()) + below, path);
      }
    }
    Optional<Bucket.Head> head = head(path);
    if (head.isEmpty()) {
      Resolved folder = folder(path, path);
      if (folder != MISSING || links >= MAX_LINKS_FOLLOWED) return folder;
      // Below a folder that is a link (dists/stable -> bookworm), as a tree on disk follows it.
      for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
        Optional<Bucket.Head> above = head(path.substring(0, slash));
        if (above.isPresent() && above.get().linkTarget() != null) {
          String target =
              ObjectPaths.resolveLink(path.substring(0, slash), above.get().linkTarget());
          return target == null ? MISSING : resolve(target + path.substring(slash), links + 1);
        }
      }
      return MISSING;
    }
    Bucket.Head h = head.get();
    if (h.linkTarget() != null) {
      if (links >= MAX_LINKS_FOLLOWED) return MISSING;
      String target = ObjectPaths.resolveLink(path, h.linkTarget());
      return target == null ? MISSING : resolve(target, links + 1);
    }
    return cache.file(bucket, path, h);
  }

  /** A folder where objects sit below a key, else {@link #MISSING}. */
  private Resolved folder(String key, String path) throws IOException {
    String below = key.isEmpty() || key.endsWith("/") ? key : key + "/";
    if (!occupied(below)) return MISSING;
    return new Directory(folders.resolve(path.isEmpty() ? "." : path), 0);
  }

  @Override
  public List<Entry> list(Directory folder) throws IOException {
    String path = folders.relativize(folder.path()).toString();
    if (path.equals(".")) path = "";
    String key = path;
    String dist = suiteOf(path);
    if (dist != null) {
      OptionalLong current = generation(dist);
      if (current.isPresent()) {
        String below = path.equals(dist) ? "" : path.substring(dist.length() + 1);
        key = generationKey(dist, current.getAsLong()) + below;
      }
    }
    String under = key.isEmpty() || key.endsWith("/") ? key : key + "/";
    List<Entry> entries = new ArrayList<>();
    for (String name : bucket.folders(under)) {
      if (!name.startsWith(".")) entries.add(new Entry(name, true, 0, 0));
    }
    bucket.files(
        under,
        o -> {
          String name = o.path().substring(under.length());
          if (!name.startsWith(".")) {
            entries.add(new Entry(name, false, o.size(), o.lastModifiedMillis() / 1000));
          }
        });
    return entries;
  }

  @Override
  public OptionalLong generation(String dist) {
    OptionalLong known = fresh(pointers.get(dist), "pointer " + dist, () -> readPointer(dist));
    return known != null ? known : readPointer(dist);
  }

  private OptionalLong readPointer(String dist) {
    long now = nanoTime.getAsLong();
    OptionalLong id;
    try {
      id =
          BucketTree.readId(bucket, BucketTree.GENERATIONS + Generations.key(dist) + "/current")
              .map(OptionalLong::of)
              .orElse(OptionalLong.empty());
    } catch (IOException e) {
      // the store did not answer: the last pointer read stands; with none, nothing can be said
      Seen<OptionalLong> seen = pointers.get(dist);
      if (seen == null) throw failed(e);
      return seen.value();
    }
    pointers.put(dist, new Seen<>(id, now));
    return id;
  }

  @Override
  public boolean hasGeneration(String dist, long id) {
    OptionalLong current = generation(dist);
    if (current.isPresent() && current.getAsLong() == id) return true;
    List<Long> ids = fresh(kept.get(dist), "kept " + dist, () -> readKept(dist));
    return (ids != null ? ids : readKept(dist)).contains(id);
  }

  private List<Long> readKept(String dist) {
    long now = nanoTime.getAsLong();
    try {
      List<Long> ids = new ArrayList<>();
      for (String name : bucket.folders(BucketTree.GENERATIONS + Generations.key(dist) + "/")) {
        try {
          ids.add(Long.parseLong(name));
        } catch (NumberFormatException e) {
          // not a generation
        }
      }
      kept.put(dist, new Seen<>(List.copyOf(ids), now));
      return ids;
    } catch (IOException e) {
      Seen<List<Long>> seen = kept.get(dist);
      return seen != null ? seen.value() : List.of();
    }
  }

  @Override
  public Optional<Resolved> inGeneration(String dist, long id, String below) {
    if (hidden(below)) return Optional.of(MISSING);
    String key = generationKey(dist, id) + below;
    if (absentInGeneration.contains(key)) return Optional.of(MISSING);
    try {
      Optional<Resolved> file = cache.immutable(bucket, key);
      if (file.isPresent()) return file;
      if (occupied(key + "/")) return Optional.empty();
      // Only a generation a pointer named is complete; one being built may still gain the path.
      OptionalLong current = generation(dist);
      if (current.isPresent() && id <= current.getAsLong()) {
        if (absentInGeneration.size() >= MAX_HELD) absentInGeneration.clear();
        absentInGeneration.add(key);
      }
      return Optional.of(MISSING);
    } catch (IOException e) {
      return Optional.of(unavailable(e));
    }
  }

  @Override
  public long generationsKept() {
    List<String> known;
    try {
      known = suites();
    } catch (UncheckedIOException e) {
      return 0; // the store does not answer: the failures' count says so
    }
    long kept = 0;
    for (String dist : known) {
      try {
        kept += bucket.folders(BucketTree.GENERATIONS + Generations.key(dist) + "/").size();
      } catch (IOException e) {
        // not counted
      }
    }
    return kept;
  }

  @Override
  public void close() {
    refreshing.shutdownNow();
    client.close();
  }

  /**
   * Ready when the suites, the suite's pointer or the plain key's metadata were read within the
   * last second and the object is in the cache; a folder, a link or a path with nothing there is
   * never ready (each takes a listing or another look).
   */
  @Override
  public boolean ready(String path) {
    if (hidden(path)) return true;
    long now = nanoTime.getAsLong();
    Seen<List<String>> known = suites;
    if (known == null || now - known.at() >= STALE_NANOS) return false;
    String dist = null;
    for (String d : known.value()) {
      if (path.startsWith(d + "/") && (dist == null || d.length() > dist.length())) dist = d;
    }
    if (dist != null) {
      Seen<OptionalLong> pointer = pointers.get(dist);
      if (pointer == null || now - pointer.at() >= STALE_NANOS) return false;
      if (pointer.value().isPresent()) {
        return cache.has(
            generationKey(dist, pointer.value().getAsLong()) + path.substring(dist.length() + 1));
      }
    }
    Seen<Optional<Bucket.Head>> head = heads.get(path);
    if (head == null || now - head.at() >= STALE_NANOS || head.value().isEmpty()) return false;
    Bucket.Head h = head.value().get();
    return h.linkTarget() == null && cache.has(path, h.etag());
  }

  /** An object not in the cache yet is brought from the store before it is answered. */
  @Override
  public boolean waitsOnNetwork() {
    return true;
  }

  /** The suite whose dists folder holds a path, when the sync keeps generations of it. */
  private String suiteOf(String path) {
    String best = null;
    for (String dist : suites()) {
      if ((path.equals(dist) || path.startsWith(dist + "/"))
          && (best == null || dist.length() > best.length())) {
        best = dist;
      }
    }
    return best;
  }

  private List<String> suites() {
    List<String> known = fresh(suites, "suites", this::readSuites);
    return known != null ? known : readSuites();
  }

  private List<String> readSuites() {
    long now = nanoTime.getAsLong();
    try {
      List<String> all = new ArrayList<>();
      for (String key : bucket.folders(BucketTree.GENERATIONS)) all.add(Generations.dist(key));
      suites = new Seen<>(List.copyOf(all), now);
      return all;
    } catch (IOException e) {
      Seen<List<String>> seen = suites;
      if (seen == null) throw failed(e); // else a suite's files would come from plain keys
      return seen.value();
    }
  }

  private Optional<Bucket.Head> head(String path) throws IOException {
    return trusted(heads, path, "head ", bucket::head);
  }

  /** Whether any object's key starts so, as read within the last second. */
  private boolean occupied(String start) throws IOException {
    return trusted(occupied, start, "below ", bucket::any);
  }

  /** A read of the store about one key. */
  private interface Read<T> {
    T of(String key) throws IOException;
  }

  /**
   * What was read about a key, as {@link #fresh} trusts it, read again in the background while it
   * is stale, and now when it is older or was never read.
   */
  private <T> T trusted(Map<String, Seen<T>> seen, String key, String what, Read<T> read)
      throws IOException {
    T known =
        fresh(
            seen.get(key),
            what + key,
            () -> {
              try {
                readInto(seen, key, read);
              } catch (IOException e) {
                // asked again by the next request that finds it stale
              }
            });
    return known != null ? known : readInto(seen, key, read);
  }

  private <T> T readInto(Map<String, Seen<T>> seen, String key, Read<T> read) throws IOException {
    long now = nanoTime.getAsLong();
    T value = read.of(key);
    if (seen.size() >= MAX_HELD) seen.clear();
    seen.put(key, new Seen<>(value, now));
    return value;
  }

  /**
   * What was read: as it is within a second of the reading; up to ten seconds after, as it is while
   * it is read again off the caller's thread, so that a busy path never waits for its refresh; null
   * when older (read it now).
   */
  private <T> T fresh(Seen<T> seen, String what, Runnable refresh) {
    if (seen == null) return null;
    long age = nanoTime.getAsLong() - seen.at();
    if (age < TRUST_NANOS) return seen.value();
    if (age >= STALE_NANOS) return null;
    if (underway.add(what)) {
      try {
        refreshing.execute(
            () -> {
              try {
                refresh.run();
              } finally {
                underway.remove(what);
              }
            });
      } catch (RejectedExecutionException closed) {
        underway.remove(what);
      }
    }
    return seen.value();
  }

  private static String generationKey(String dist, long id) {
    return BucketTree.GENERATIONS + Generations.key(dist) + "/" + id + "/";
  }

  private static boolean hidden(String path) {
    return path.startsWith(".") || path.contains("/.");
  }
}
