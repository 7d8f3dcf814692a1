package org.repomirror.store.s3;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.repomirror.plan.DiskView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bucket holds at each path, as the planner asks it. One listing of the whole prefix, read
 * on the first question, says what is there, its size and its ETag. A file's mtime, and whether it
 * stands for a link, live in its metadata, which costs a HEAD per object; so what was read or
 * written is remembered in a journal on the sync node, by path and ETag, and a later run asks again
 * only for an object whose ETag changed. What this run writes or deletes is known without asking.
 * Thread-safe.
 */
final class BucketCatalog {
  private static final Logger log = LoggerFactory.getLogger(BucketCatalog.class);

  /**
   * An object the mirror knows.
   *
   * @param linkTarget where it points, when it stands for a symbolic link; else null
   */
  record Known(long size, long mtimeMillis, String linkTarget) {}

  /** What the journal remembers of a path: its object's ETag, mtime and link target. */
  private record Remembered(String etag, long mtimeMillis, String linkTarget) {}

  private final Bucket bucket;
  private final Path journal;
  private final Map<String, Optional<Known>> known = new ConcurrentHashMap<>();
  private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

  /** Paths written by a copy in this run, whose listing entry may be stale. */
  private final Set<String> unsure = ConcurrentHashMap.newKeySet();

  private volatile Map<String, Bucket.Listed> listed;
  private BufferedWriter appending;

  /**
   * @param journal where what was learnt of objects is kept between runs; null for nowhere
   */
  BucketCatalog(Bucket bucket, Path journal) {
    this.bucket = bucket;
    this.journal = journal;
    if (journal != null) load();
  }

  Optional<DiskView.OnDisk> stat(String path) {
    return lookUp(path)
        .map(k -> new DiskView.OnDisk(k.linkTarget() == null, k.size(), k.mtimeMillis()));
  }

  Optional<String> linkTarget(String path) {
    return lookUp(path).map(Known::linkTarget);
  }

  /** What this run wrote at a path, and the ETag the store gave it. */
  void placed(String path, Known what, String etag) {
    known.put(path, Optional.of(what));
    remember(path, new Remembered(etag, what.mtimeMillis(), what.linkTarget()));
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
      Bucket.Listed l = unsure.contains(path) ? null : listing().get(path);
      if (l == null && !unsure.contains(path)) return Optional.empty();
      Remembered r = l == null ? null : remembered.get(path);
      Optional<Known> found;
      if (r != null && r.etag().equals(l.etag())) {
        found = Optional.of(new Known(l.size(), r.mtimeMillis(), r.linkTarget()));
      } else {
        Optional<Bucket.Head> head = bucket.head(path);
        found =
            head.map(
                h -> new Known(h.size(), h.mtimeMillis(), h.size() == 0 ? h.linkTarget() : null));
        head.ifPresent(
            h ->
                remember(
                    path, new Remembered(h.etag(), h.mtimeMillis(), found.get().linkTarget())));
      }
      known.put(path, found);
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Bucket.Listed> listing() throws IOException {
    Map<String, Bucket.Listed> l = listed;
    if (l != null) return l;
    synchronized (this) {
      if (listed == null) {
        Map<String, Bucket.Listed> all = new HashMap<>();
        bucket.list(
            "",
            o -> {
              if (!o.path().startsWith(BucketTree.STATE)) all.put(o.path(), o);
            });
        listed = all;
      }
      return listed;
    }
  }

  /**
   * The journal's lines: the bucket it describes first, then {@code etag mtime link path} (link and
   * path percent-encoded, {@code -} for no link), a later line for a path over an earlier one.
   */
  private void load() {
    List<String> lines;
    try {
      lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      log.warn("cannot read {}; every object is asked about again: {}", journal, e.toString());
      return;
    }
    if (lines.isEmpty() || !lines.getFirst().equals(bucket.url(""))) return; // another bucket's
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      if (f.length != 4) continue; // a line cut off by a crash
      try {
        String link = f[2].equals("-") ? null : URLDecoder.decode(f[2], StandardCharsets.UTF_8);
        remembered.put(
            URLDecoder.decode(f[3], StandardCharsets.UTF_8),
            new Remembered(f[0], Long.parseLong(f[1]), link));
      } catch (IllegalArgumentException e) {
        // a line cut off by a crash
      }
    }
    if (lines.size() > 2 * remembered.size() + 1000) compact();
  }

  /** Rewrites the journal with one line per path. */
  private void compact() {
    Path fresh = journal.resolveSibling(journal.getFileName() + ".new");
    try (BufferedWriter w = Files.newBufferedWriter(fresh, StandardCharsets.UTF_8)) {
      w.write(bucket.url(""));
      w.newLine();
      for (Map.Entry<String, Remembered> e : remembered.entrySet()) {
        w.write(line(e.getKey(), e.getValue()));
        w.newLine();
      }
    } catch (IOException e) {
      log.warn("cannot rewrite {}: {}", journal, e.toString());
      return;
    }
    try {
      Files.move(fresh, journal, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("cannot rewrite {}: {}", journal, e.toString());
    }
  }

  private synchronized void remember(String path, Remembered r) {
    if (r.equals(remembered.put(path, r)) || journal == null) return;
    try {
      if (appending == null) {
        boolean fresh = !Files.exists(journal) || !firstLineIsOurs();
        appending =
            Files.newBufferedWriter(
                journal,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                fresh ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        if (fresh) {
          appending.write(bucket.url(""));
          appending.newLine();
        }
      }
      appending.write(line(path, r));
      appending.newLine();
      appending.flush();
    } catch (IOException e) {
      log.warn("cannot write {}: {}", journal, e.toString());
    }
  }

  private boolean firstLineIsOurs() throws IOException {
    try (var lines = Files.lines(journal, StandardCharsets.UTF_8)) {
      return lines.findFirst().map(bucket.url("")::equals).orElse(false);
    }
  }

  private static String line(String path, Remembered r) {
    return r.etag()
        + "\t"
        + r.mtimeMillis()
        + "\t"
        + (r.linkTarget() == null ? "-" : URLEncoder.encode(r.linkTarget(), StandardCharsets.UTF_8))
        + "\t"
        + URLEncoder.encode(path, StandardCharsets.UTF_8);
  }
}
