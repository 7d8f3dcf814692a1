package org.repomirror.store.s3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.repomirror.store.ServedTree;

/**
 * Objects of a bucket kept on a server node's disk, so that each is sent as a local file (sendfile,
 * ranges, validators as from any tree). Bounded in bytes, the least recently used going first
 * (Caffeine). An object is known by its key and ETag: a plain key whose object changed is brought
 * again. Two requests for an object not yet here bring it once. Emptied when the node starts: it is
 * a cache, and a crash loses nothing. The folder is the cache's own: a file in it is one the cache
 * made, and goes only when the cache lets go of it. Thread-safe.
 */
public final class ObjectCache {
  /** An object here: its file and what the store said of it. */
  private record Cached(Path file, Bucket.Head head) {}

  private final Path folder;
  private final Path objects;
  private final AtomicLong names = new AtomicLong();
  private final Executor letGo;

  /** How long the file of an object let go of stays, by default. */
  private static final Duration LET_GO = Duration.ofSeconds(10);

  private final Cache<String, Cached> byKey;
  private final Map<String, CompletableFuture<Optional<Cached>>> coming = new ConcurrentHashMap<>();

  /**
   * @param folder a folder of its own on the node's disk; what is in it is deleted
   * @param maxBytes the most it keeps
   */
  public ObjectCache(Path folder, long maxBytes) throws IOException {
    this(folder, maxBytes, LET_GO);
  }

  /**
   * @param letGo how long the file of an object let go of stays: a request may have been handed it
   *     a moment before, and not have opened it yet
   */
  ObjectCache(Path folder, long maxBytes, Duration letGo) throws IOException {
    this.folder = folder;
    this.letGo = CompletableFuture.delayedExecutor(letGo.toMillis(), TimeUnit.MILLISECONDS);
    this.objects = folder.resolve("objects");
    if (Files.isDirectory(objects)) {
      try (Stream<Path> old = Files.walk(objects)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
    Files.createDirectories(objects);
    this.byKey =
        Caffeine.newBuilder()
            .executor(Runnable::run) // its upkeep on the caller's thread: the bound holds at once
            .maximumWeight(Math.max(1, maxBytes >> 10))
            .<String, Cached>weigher(
                (key, c) -> (int) Math.min(Integer.MAX_VALUE, Math.max(1, c.head().size() >> 10)))
            .removalListener((String key, Cached c, RemovalCause cause) -> forget(c))
            .build();
  }

  Path folder() {
    return folder;
  }

  /** A plain key's object as a file, brought again when its ETag is not the one here. */
  ServedTree.Resolved file(Bucket bucket, String key, Bucket.Head head) throws IOException {
    Cached c = byKey.getIfPresent(key);
    if (c == null || !c.head().etag().equals(head.etag())) {
      c = bring(bucket, key).orElse(null);
      if (c == null) return ServedTree.MISSING;
    }
    return resolved(key, c);
  }

  /** An object that never changes (a generation's) as a file; empty when there is none. */
  Optional<ServedTree.Resolved> immutable(Bucket bucket, String key) throws IOException {
    Cached c = byKey.getIfPresent(key);
    if (c == null) c = bring(bucket, key).orElse(null);
    if (c == null || c.head().linkTarget() != null) return Optional.empty();
    return Optional.of(resolved(key, c));
  }

  /** Whether an object that is a file is here, whatever its ETag. */
  boolean has(String key) {
    Cached c = byKey.getIfPresent(key);
    return c != null && c.head().linkTarget() == null;
  }

  /** Whether an object is here with this ETag. */
  boolean has(String key, String etag) {
    Cached c = byKey.getIfPresent(key);
    return c != null && c.head().etag().equals(etag);
  }

  private static ServedTree.Resolved resolved(String key, Cached c) {
    return new ServedTree.RegularFile(
        c.file(),
        c.head().size(),
        FileTime.fromMillis(c.head().mtimeMillis()),
        key + "@" + c.head().etag());
  }

  private Optional<Cached> bring(Bucket bucket, String key) throws IOException {
    CompletableFuture<Optional<Cached>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Cached>> theirs = coming.putIfAbsent(key, mine);
    if (theirs != null) return await(theirs);
    try {
      Path file = objects.resolve(Long.toString(names.incrementAndGet()));
      Optional<Bucket.Head> head = bucket.download(key, file);
      Optional<Cached> c = head.map(h -> new Cached(file, h));
      c.ifPresent(got -> byKey.put(key, got));
      mine.complete(c);
      return c;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      coming.remove(key, mine);
    }
  }

  private static Optional<Cached> await(CompletableFuture<Optional<Cached>> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while an object was brought", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      throw new IOException(e.getCause());
    }
  }

  /**
   * Drops an object's file a while after it was let go of (it may be the object just brought, which
   * the cache's policy did not take in); one being sent stays readable until it is closed.
   */
  private void forget(Cached c) {
    if (c == null) return;
    letGo.execute(
        () -> {
          try {
            Files.deleteIfExists(c.file());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
