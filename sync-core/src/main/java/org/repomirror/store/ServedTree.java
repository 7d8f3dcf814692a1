package org.repomirror.store;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.repomirror.config.StoreConfig;
import org.repomirror.store.s3.ObjectCache;
import org.repomirror.store.s3.S3Store;

/**
 * The published tree as a server reads it: what a request path names, a folder's entries, and the
 * generations a sync keeps of each suite for the clients pinned to them. The read side of {@link
 * PublishedTree}, and the only way the server reaches the tree. Paths are relative to the tree's
 * root, segments joined by {@code /}, already normalised (no dot-segments, nothing hidden asked
 * for). Thread-safe.
 */
public interface ServedTree extends AutoCloseable {

  /** What a path resolved to. */
  sealed interface Resolved {}

  /** Nothing servable: absent, hidden, outside the root, or not a regular file or folder. */
  record Missing() implements Resolved {}

  /**
   * A file to send, on the local filesystem (a store that is not one hands out a local copy).
   *
   * @param modified the full-precision mtime
   * @param fileKey the device and inode, or null where the platform has none
   */
  record RegularFile(Path path, long size, FileTime modified, Object fileKey) implements Resolved {
    public long mtimeSecond() {
      return modified.toMillis() / 1000;
    }
  }

  /**
   * Nothing can be said now: the store that holds the tree did not answer. Worth asking again.
   *
   * @param why the store's words, for the log
   */
  record Unavailable(String why) implements Resolved {}

  /** A folder, for a listing. */
  record Directory(Path path, long mtimeSecond) implements Resolved {}

  /** A folder's entry, as a listing shows it. */
  record Entry(String name, boolean directory, long size, long mtimeSecond) {}

  Resolved MISSING = new Missing();

  /**
   * The tree under a local folder. A symbolic link is followed only when its real path stays inside
   * the root and names no hidden segment.
   *
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime}), for how long the
   *     shape of a folder is trusted
   * @throws IOException if the root does not exist or is not a folder
   */
  static ServedTree local(Path root, LongSupplier nanoTime) throws IOException {
    return new LocalServedTree(root, nanoTime);
  }

  /**
   * The tree a sync published into an object store, as a server node reads it: its objects kept in
   * a local cache, the store's client its own until it is closed.
   *
   * @param cache a folder of its own on this node's disk; what is in it is deleted
   * @param cacheBytes the most bytes of objects kept there
   * @param nanoTime a monotonic clock in nanoseconds, for how long what was read is trusted
   * @throws IOException when the store's credentials cannot be read, or the cache cannot be made
   */
  static ServedTree inStore(StoreConfig store, Path cache, long cacheBytes, LongSupplier nanoTime)
      throws IOException {
    return S3Store.of(store).served(new ObjectCache(cache, cacheBytes), nanoTime);
  }

  /**
   * What a path names: a mirror's file as the sync last left it (looked at again after each of its
   * changes, and each second), anything else as it is now; {@link #MISSING} for anything that
   * cannot be served.
   */
  Resolved resolve(String path);

  /** The visible entries of a folder; entries that cannot be served are left out. */
  List<Entry> list(Directory folder) throws IOException;

  /** The generation a suite's served dists folder holds; empty when the sync keeps none of it. */
  OptionalLong generation(String dist);

  /** Whether a generation of a suite is still kept. */
  boolean hasGeneration(String dist, long id);

  /**
   * A path below a suite's dists folder as a kept generation holds it: a regular file, or {@link
   * #MISSING} when the generation has nothing there; empty when the tree as it is now should answer
   * (a folder, a link).
   *
   * @param below the path below the suite's folder
   */
  Optional<Resolved> inGeneration(String dist, long id, String below);

  /** How many generations are kept, over all suites found so far. */
  long generationsKept();

  /**
   * Whether answering may wait on the network (a tree in an object store): the server then brings
   * what is not {@link #ready} off its event loops, so that one connection's wait holds no other.
   */
  default boolean waitsOnNetwork() {
    return false;
  }

  /**
   * Whether {@link #resolve} can answer for a path now without waiting on the network: what it
   * would say is in memory or on this disk. Always so for a folder on disk.
   */
  default boolean ready(String path) {
    return true;
  }

  /** How many times the tree could not answer because its store did not; 0 for a folder. */
  default long storeFailures() {
    return 0;
  }

  /** Lets go of what the tree holds (a store's client); a folder on disk holds nothing. */
  @Override
  default void close() {}
}
