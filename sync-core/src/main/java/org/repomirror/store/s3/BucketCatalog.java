package org.repomirror.store.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.repomirror.plan.DiskView;

/**
 * What the bucket holds at each path, as the planner asks it: one listing of the whole prefix, read
 * on the first question, says what is there and its size; a file's mtime and whether it stands for
 * a link live in its metadata, read by a HEAD the first time a path is asked about. What this run
 * writes or deletes is known without asking. Thread-safe.
 */
final class BucketCatalog {
  /**
   * An object the mirror knows.
   *
   * @param linkTarget where it points, when it stands for a symbolic link; else null
   */
  record Known(long size, long mtimeMillis, String linkTarget) {}

  private final Bucket bucket;
  private final Map<String, Optional<Known>> known = new ConcurrentHashMap<>();

  /** Paths written by a copy in this run, whose listing entry may be stale. */
  private final Set<String> unsure = ConcurrentHashMap.newKeySet();

  private volatile Map<String, Long> listed;

  BucketCatalog(Bucket bucket) {
    this.bucket = bucket;
  }

  Optional<DiskView.OnDisk> stat(String path) {
    return lookUp(path)
        .map(k -> new DiskView.OnDisk(k.linkTarget() == null, k.size(), k.mtimeMillis()));
  }

  Optional<String> linkTarget(String path) {
    return lookUp(path).map(Known::linkTarget);
  }

  /** What this run wrote at a path. */
  void placed(String path, Known what) {
    known.put(path, Optional.of(what));
  }

  /** A path this run wrote without knowing what it holds now: asked again when needed. */
  void forget(String path) {
    known.remove(path);
    unsure.add(path);
  }

  /** A path this run deleted. */
  void removed(String path) {
    known.put(path, Optional.empty());
  }

  private Optional<Known> lookUp(String path) {
    Optional<Known> k = known.get(path);
    if (k != null) return k;
    try {
      if (!unsure.contains(path) && !listing().containsKey(path)) return Optional.empty();
      Optional<Known> head =
          bucket
              .head(path)
              .map(
                  h -> new Known(h.size(), h.mtimeMillis(), h.size() == 0 ? h.linkTarget() : null));
      known.put(path, head);
      return head;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Long> listing() throws IOException {
    Map<String, Long> l = listed;
    if (l != null) return l;
    synchronized (this) {
      if (listed == null) {
        Map<String, Long> all = new HashMap<>();
        bucket.list(
            "",
            o -> {
              if (!o.path().startsWith(BucketTree.STATE)) all.put(o.path(), o.size());
            });
        listed = all;
      }
      return listed;
    }
  }
}
