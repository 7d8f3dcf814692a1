package org.repomirror.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The served tree under a local folder. Resolves paths to files and folders, following a symlink
 * only when its real path stays inside the root and names no hidden segment.
 *
 * <p>A file of a mirror (the root, or a folder of it, that a sync keeps) is looked at once and then
 * held until that sync's next change ({@link ChangeCounter}), for a second at most: the sync makes
 * every change through the port, so a file it replaces is seen new by the next request, and there
 * is no {@code statx} per request. Anything else is looked at on every request, as is every folder;
 * the shape of folders above a file is cached a second, and where each suite's generations are kept
 * is remembered ({@link KeptGenerations}).
 */
final class LocalServedTree implements ServedTree {
  private static final long PLAIN_FOLDER_TTL_NANOS = 1_000_000_000L;
  private static final int MAX_CACHED_FOLDERS = 100_000;
  private static final int MAX_HELD_FILES = 100_000;
  private static final long RESCAN_NANOS = 1_000_000_000L;

  /** Folders of the root looked at for mirrors, at most: a mirror list has a handful. */
  private static final int MAX_FOLDERS_SCANNED = 1_000;

  /**
   * How long a mirror's file is held at most. The sync's own changes end a hold at once; this
   * bounds how long a file changed in a mirror by other means (an admin's hand) is served as it
   * was.
   */
  private static final long HOLD_NANOS = 1_000_000_000L;

  /** A file as it was seen, while its mirror's change count stays where it was before looking. */
  private record Held(RegularFile file, ChangeCounter counter, long count, long seen) {}

  /**
   * The change counters of the mirrors in the tree: the root's, or those of the root's folders.
   *
   * @param root null when the root is no mirror
   * @param folders by folder name
   */
  private record Mirrors(ChangeCounter root, Map<String, ChangeCounter> folders, long scanned) {
    /** The counter of the mirror a path is in, or null when it is in none. */
    ChangeCounter of(String path) {
      if (root != null) return root;
      if (folders.isEmpty()) return null;
      int slash = path.indexOf('/');
      return slash < 0 ? null : folders.get(path.substring(0, slash));
    }
  }

  private final Path realRoot;
  private final LongSupplier nanoTime;
  private final KeptGenerations generations;
  private final ConcurrentHashMap<String, Long> plainFolders = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
  private final ReentrantLock scanning = new ReentrantLock();
  private volatile Mirrors mirrors;

  LocalServedTree(Path root, LongSupplier nanoTime) throws IOException {
    this.realRoot = root.toRealPath();
    this.nanoTime = nanoTime;
    if (!Files.isDirectory(realRoot)) {
      throw new IOException(root + " is not a directory");
    }
    this.generations = new KeptGenerations(realRoot);
    this.mirrors = scan(new Mirrors(null, Map.of(), 0), nanoTime.getAsLong());
  }

  @Override
  public Resolved resolve(String path) {
    long now = nanoTime.getAsLong();
    Held h = held.get(path);
    Mirrors known = mirrors(now);
    if (h != null && h.counter().count() == h.count() && now - h.seen() < HOLD_NANOS) {
      return h.file();
    }
    ChangeCounter counter = known.of(path);
    long count = counter == null ? -1 : counter.count();
    Resolved r = look(path);
    if (counter != null && ChangeCounter.settled(count) && r instanceof RegularFile f) {
      if (held.size() >= MAX_HELD_FILES) held.clear();
      held.put(path, new Held(f, counter, count, now));
    }
    return r;
  }

  /**
   * The mirrors as last scanned; scanned again once a second, by one caller while the others go on.
   * A counter that moved or went (its mirror deleted and synced anew) lets go of every file held.
   */
  private Mirrors mirrors(long now) {
    Mirrors known = mirrors;
    if (now - known.scanned() < RESCAN_NANOS || !scanning.tryLock()) return known;
    try {
      Mirrors fresh = scan(known, now);
      if (fresh.root() != known.root() || !fresh.folders().equals(known.folders())) held.clear();
      mirrors = fresh;
      return fresh;
    } finally {
      scanning.unlock();
    }
  }

  private Mirrors scan(Mirrors known, long now) {
    ChangeCounter root = counterAt(known.root(), realRoot);
    if (root != null) return new Mirrors(root, Map.of(), now);
    Map<String, ChangeCounter> folders = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(realRoot)) {
      int seen = 0;
      for (Path entry : entries) {
        if (++seen > MAX_FOLDERS_SCANNED) break;
        String name = entry.getFileName().toString();
        if (name.startsWith(".") || !Files.exists(entry.resolve(ChangeCounter.PATH))) continue;
        ChangeCounter c = counterAt(known.folders().get(name), entry);
        if (c != null) folders.put(name, c);
      }
    } catch (IOException e) {
      return new Mirrors(null, Map.of(), now); // look at every request until the next scan
    }
    return new Mirrors(null, Map.copyOf(folders), now);
  }

  private static ChangeCounter counterAt(ChangeCounter known, Path mirror) {
    if (known != null && known.stillAt(mirror)) return known;
    return ChangeCounter.forReading(mirror).orElse(null);
  }

  /** What a path names on disk now. */
  private Resolved look(String path) {
    try {
      Path candidate = realRoot.resolve(path);
      BasicFileAttributes attrs =
          Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isSymbolicLink() || !parentIsPlain(path)) {
        Path real = candidate.toRealPath();
        if (!isServable(real)) return MISSING;
        return toResolved(real, Files.readAttributes(real, BasicFileAttributes.class));
      }
      return toResolved(candidate, attrs);
    } catch (IOException | RuntimeException e) {
      return MISSING;
    }
  }

  static Resolved toResolved(Path path, BasicFileAttributes attrs) {
    if (attrs.isRegularFile()) {
      return new RegularFile(path, attrs.size(), attrs.lastModifiedTime(), attrs.fileKey());
    }
    if (attrs.isDirectory()) {
      return new Directory(path, attrs.lastModifiedTime().toMillis() / 1000);
    }
    return MISSING;
  }

  /**
   * Whether the folders above a path are real folders, no symlinks among them. The answer is cached
   * for a second per folder: it saves a readlink per path segment on every request, and the tree's
   * shape rarely changes (the sync never swaps a folder for a link).
   */
  private boolean parentIsPlain(String path) throws IOException {
    int slash = path.lastIndexOf('/');
    if (slash < 0) return true;
    String parent = path.substring(0, slash);
    long now = nanoTime.getAsLong();
    Long verified = plainFolders.get(parent);
    if (verified != null && now - verified < PLAIN_FOLDER_TTL_NANOS) return true;
    Path folder = realRoot.resolve(parent);
    if (!folder.toRealPath().equals(folder)) return false;
    if (plainFolders.size() >= MAX_CACHED_FOLDERS) plainFolders.clear();
    plainFolders.put(parent, now);
    return true;
  }

  @Override
  public List<Entry> list(Directory folder) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder.path())) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) continue;
        try {
          if (Files.isSymbolicLink(p) && !isServable(p.toRealPath())) continue;
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          if (!a.isRegularFile() && !a.isDirectory()) continue;
          entries.add(
              new Entry(name, a.isDirectory(), a.size(), a.lastModifiedTime().toMillis() / 1000));
        } catch (IOException e) {
          // a dangling symlink, or an entry removed while we list: leave it out
        }
      }
    }
    return entries;
  }

  /** Inside the root, and no segment below the root is hidden. */
  private boolean isServable(Path real) {
    if (!real.startsWith(realRoot)) return false;
    for (Path segment : realRoot.relativize(real)) {
      if (segment.toString().startsWith(".")) return false;
    }
    return true;
  }

  @Override
  public OptionalLong generation(String dist) {
    return generations.current(dist);
  }

  @Override
  public boolean hasGeneration(String dist, long id) {
    return generations.exists(dist, id);
  }

  @Override
  public Optional<Resolved> inGeneration(String dist, long id, String below) {
    return generations.file(dist, id, below);
  }

  @Override
  public long generationsKept() {
    return generations.kept();
  }
}
