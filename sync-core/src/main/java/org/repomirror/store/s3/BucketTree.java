package org.repomirror.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.repomirror.fs.CrashPoint;
import org.repomirror.store.Generations;
import org.repomirror.store.PublishedFiles;
import org.repomirror.store.PublishedTree;

/**
 * The published tree in an S3-compatible bucket, under a prefix. An object is visible whole or not
 * at all, so a file is placed by one write, checked against the MD5 sent with it. A suite's dists
 * folder is kept as generations under {@code .repomirror/generations/<suite>/<id>/}, each complete,
 * and switched by one write of a small pointer object; the plain {@code dists/<suite>/} keys then
 * follow, Release files last, for clients that read the bucket as it is. Staging stays a local
 * folder on the sync node. One run changes the tree at a time; reads are thread-safe.
 */
public final class BucketTree implements PublishedTree {
  /** The mirror's own objects, below the prefix: never part of the tree it serves. */
  static final String STATE = ".repomirror/";

  /** Where generations are kept; each suite's pointer sits beside its generations. */
  static final String GENERATIONS = STATE + "generations/";

  /** The copy of the sync node's index, for a node that lost its own. */
  static final String INDEX = STATE + "index.gz";

  private static final String CURRENT = "current";
  private static final String PENDING = "plain-pending";
  private static final int WRITERS = 8;

  private final Bucket bucket;
  private final Path staging;
  private final BucketCatalog catalog;

  /**
   * @param staging where verified files wait: a local folder
   * @param journal where what is learnt of the bucket's objects is kept between runs, on the sync
   *     node; null for nowhere
   */
  BucketTree(Bucket bucket, Path staging, Path journal) {
    this.bucket = bucket;
    this.staging = staging;
    this.catalog = new BucketCatalog(bucket, journal);
  }

  @Override
  public Optional<OnDisk> stat(String path) {
    return catalog.stat(path);
  }

  @Override
  public Optional<String> linkTarget(String path) {
    return catalog.linkTarget(path);
  }

  @Override
  public PublishedFiles files() {
    return new BucketFiles(bucket);
  }

  @Override
  public InputStream open(String path) throws IOException {
    return bucket.open(path);
  }

  /** A bucket has no folders: a folder's entries are never proven unchanged by its mtime. */
  @Override
  public OptionalLong folderMtime(String path) {
    return OptionalLong.empty();
  }

  @Override
  public Path staging() {
    return staging;
  }

  @Override
  public void discard(Path staged) throws IOException {
    Files.deleteIfExists(staged);
  }

  @Override
  public void placeContent(List<Staged> staged) throws IOException {
    writeAll(staged, s -> s.localPath());
  }

  @Override
  public void placeLinks(List<Link> links) throws IOException {
    for (Link l : links) {
      Map<String, String> meta = new HashMap<>(Map.of(Bucket.LINK, Bucket.encodeLink(l.target())));
      if (l.mtimeMillis() >= 0) meta.put(Bucket.MTIME, Long.toString(l.mtimeMillis()));
      bucket.put(l.localPath(), new byte[0], meta);
      catalog.forget(l.localPath());
    }
  }

  @Override
  public void placeMetadata(List<Staged> staged) throws IOException {
    for (List<Staged> rank : byReleaseRank(staged, Staged::localPath)) {
      writeAll(rank, Staged::localPath);
    }
  }

  @Override
  public void switchGeneration(String dist, long id, List<Staged> staged) throws IOException {
    String generation = generation(dist, id);
    bucket.deleteFolder(generation); // what an interrupted attempt at this id left
    Map<String, Staged> fresh = new HashMap<>();
    for (Staged s : staged) fresh.put(below(dist, s.localPath()), s);
    List<String> kept = new ArrayList<>();
    bucket.list(
        dist + "/",
        o -> {
          String rel = o.path().substring(dist.length() + 1);
          if (!fresh.containsKey(rel)) kept.add(rel);
        });
    inParallel(kept, rel -> bucket.copy(dist + "/" + rel, generation + rel));
    writeAll(staged, s -> generation + below(dist, s.localPath()));
    String store = GENERATIONS + Generations.key(dist) + "/";
    CrashPoint.reached("generation-built");
    bucket.put(store + PENDING, Long.toString(id).getBytes(StandardCharsets.US_ASCII), Map.of());
    bucket.put(store + CURRENT, Long.toString(id).getBytes(StandardCharsets.US_ASCII), Map.of());
    CrashPoint.reached("generation-switched");
    servePlainly(dist, id, fresh.keySet().stream().toList());
    bucket.delete(List.of(store + PENDING));
  }

  /**
   * Copies a generation's new files to the plain keys of the suite's dists folder, Release files
   * last, so that a client reading the bucket as it is sees no Release before what it lists.
   */
  private void servePlainly(String dist, long id, List<String> changed) throws IOException {
    String generation = generation(dist, id);
    for (List<String> rank : byReleaseRank(changed, rel -> rel)) {
      inParallel(
          rank,
          rel -> {
            bucket.copy(generation + rel, dist + "/" + rel);
            catalog.forget(dist + "/" + rel);
            CrashPoint.reached("bucket-plain");
          });
    }
  }

  @Override
  public Optional<Long> currentGeneration(String dist) throws IOException {
    return readId(GENERATIONS + Generations.key(dist) + "/" + CURRENT);
  }

  private Optional<Long> readId(String path) throws IOException {
    return readId(bucket, path);
  }

  /** A generation's id, from the pointer or intent object at a path; empty when there is none. */
  static Optional<Long> readId(Bucket bucket, String path) throws IOException {
    Optional<byte[]> bytes = bucket.read(path);
    if (bytes.isEmpty()) return Optional.empty();
    String text = new String(bytes.get(), StandardCharsets.US_ASCII).strip();
    try {
      return Optional.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw new IOException(bucket.url(path) + ": not a generation: '" + text + "'");
    }
  }

  @Override
  public List<Long> keptGenerations(String dist) throws IOException {
    List<Long> ids = new ArrayList<>();
    for (String name : bucket.folders(GENERATIONS + Generations.key(dist) + "/")) {
      try {
        ids.add(Long.parseLong(name));
      } catch (NumberFormatException e) {
        // not a generation: left alone
      }
    }
    ids.sort(null);
    return ids;
  }

  @Override
  public List<String> suitesWithGenerations() throws IOException {
    List<String> suites = new ArrayList<>();
    for (String key : bucket.folders(GENERATIONS)) suites.add(Generations.dist(key));
    suites.sort(null);
    return suites;
  }

  @Override
  public void retireGeneration(String dist, long id) throws IOException {
    bucket.deleteFolder(generation(dist, id));
  }

  /**
   * Finishes what an interrupted switch left: plain keys still to be copied from the generation
   * switched to are copied; a generation newer than the current one was never switched to, and
   * goes. Uploads in parts that a crashed run left incomplete are aborted.
   */
  @Override
  public int recoverGenerations() throws IOException {
    int recovered = bucket.abortUploads();
    for (String dist : suitesWithGenerations()) {
      String store = GENERATIONS + Generations.key(dist) + "/";
      Optional<Long> current = currentGeneration(dist);
      Optional<Long> pending = readId(store + PENDING);
      if (pending.isPresent()) {
        if (pending.equals(current)) {
          List<String> all = new ArrayList<>();
          String generation = generation(dist, current.get());
          bucket.list(generation, o -> all.add(o.path().substring(generation.length())));
          servePlainly(dist, current.get(), all);
        }
        bucket.delete(List.of(store + PENDING));
        recovered++;
      }
      for (long id : keptGenerations(dist)) {
        if (current.isEmpty() || id > current.get()) {
          bucket.deleteFolder(generation(dist, id));
          recovered++;
        }
      }
    }
    return recovered;
  }

  @Override
  public void keepIndex(Path copy) throws IOException {
    bucket.put(copy, INDEX, Files.getLastModifiedTime(copy).toMillis());
  }

  @Override
  public boolean hasKeptIndex() throws IOException {
    return bucket.head(INDEX).isPresent();
  }

  @Override
  public Optional<InputStream> keptIndex() throws IOException {
    try {
      return Optional.of(bucket.open(INDEX));
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Deletes objects; a bucket has no folders to leave empty. */
  @Override
  public void delete(List<String> paths) throws IOException {
    bucket.delete(paths);
    for (String p : paths) catalog.removed(p);
  }

  private static String generation(String dist, long id) {
    return GENERATIONS + Generations.key(dist) + "/" + id + "/";
  }

  private static String below(String dist, String path) {
    if (!path.startsWith(dist + "/")) {
      throw new IllegalArgumentException(path + " is not in " + dist);
    }
    return path.substring(dist.length() + 1);
  }

  /** What to write where: a staged file's key below the prefix. */
  private interface Destination {
    String of(Staged s);
  }

  private interface Action<T> {
    void on(T t) throws IOException;
  }

  /**
   * Writes staged files, several at once, each with its mtime; each leaves staging once written.
   */
  private void writeAll(List<Staged> staged, Destination to) throws IOException {
    inParallel(
        staged,
        s -> {
          long mtime = Files.getLastModifiedTime(s.staged()).toMillis();
          long size = Files.size(s.staged());
          String path = to.of(s);
          String etag = bucket.put(s.staged(), path, mtime, s.sha256());
          if (!path.startsWith(STATE)) {
            catalog.placed(path, new BucketCatalog.Known(size, mtime, null), etag);
          }
          Files.delete(s.staged());
          CrashPoint.reached("bucket-content");
        });
  }

  /**
   * Does an action on each item, several at once. After a failure no item starts, and the call
   * returns once those under way have ended: no write lands after it returned.
   */
  private static <T> void inParallel(List<T> items, Action<T> action) throws IOException {
    if (items.isEmpty()) return;
    if (items.size() == 1) {
      action.on(items.getFirst());
      return;
    }
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(WRITERS, items.size()));
    List<Future<?>> done = new ArrayList<>(items.size());
    try {
      for (T t : items) {
        done.add(
            pool.submit(
                () -> {
                  if (failed.get()) return null;
                  try {
                    action.on(t);
                  } catch (IOException | RuntimeException e) {
                    failed.set(true);
                    throw e;
                  }
                  return null;
                }));
      }
      pool.shutdown();
      for (Future<?> f : done) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing to the bucket", e);
    } catch (ExecutionException e) {
      awaitEnd(pool);
      if (e.getCause() instanceof IOException io) throw io;
      if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
      throw new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitEnd(ExecutorService pool) {
    try {
      pool.awaitTermination(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Items in the order a client may see them: indexes, then Release.gpg, Release, InRelease. */
  private static <T> List<List<T>> byReleaseRank(
      List<T> items, java.util.function.Function<T, String> path) {
    List<List<T>> ranks = new ArrayList<>();
    for (int i = 0; i < 4; i++) ranks.add(new ArrayList<>());
    for (T t : items) {
      ranks.get(PublishedTree.releaseRank(path.apply(t))).add(t);
    }
    return ranks;
  }
}
