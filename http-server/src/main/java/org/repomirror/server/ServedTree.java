package org.repomirror.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.repomirror.http.DirectoryListing;
import org.repomirror.http.RequestPath;

/**
 * The served directory tree. Resolves request paths to files and directories, following a symlink
 * only when its real path stays inside the root and names no hidden segment. Stateless and
 * thread-safe; every call touches the filesystem, like nginx does per request.
 */
final class ServedTree {

  /** What a path resolved to. */
  sealed interface Resolved {}

  /** Nothing servable: absent, hidden, outside the root, or not a regular file or directory. */
  record Missing() implements Resolved {}

  /**
   * @param modified the full-precision mtime
   * @param fileKey the device and inode, or null where the platform has none
   */
  record RegularFile(Path path, long size, FileTime modified, Object fileKey) implements Resolved {
    long mtimeSecond() {
      return modified.toMillis() / 1000;
    }
  }

  record Directory(Path path, long mtimeSecond) implements Resolved {}

  private static final Resolved MISSING = new Missing();

  private static final long PLAIN_DIRECTORY_TTL_NANOS = 1_000_000_000L;
  private static final int MAX_CACHED_DIRECTORIES = 100_000;

  private final Path realRoot;
  private final ConcurrentHashMap<String, Long> plainDirectories = new ConcurrentHashMap<>();

  /**
   * @throws IOException if the root does not exist or is not a directory
   */
  ServedTree(Path root) throws IOException {
    this.realRoot = root.toRealPath();
    if (!Files.isDirectory(realRoot)) {
      throw new IOException(root + " is not a directory");
    }
  }

  Path root() {
    return realRoot;
  }

  Resolved resolve(RequestPath request) {
    try {
      Path candidate = realRoot.resolve(request.relative());
      BasicFileAttributes attrs =
          Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isSymbolicLink() || !parentIsPlain(request.segments())) {
        Path real = candidate.toRealPath();
        if (!isServable(real)) return MISSING;
        return toResolved(real, Files.readAttributes(real, BasicFileAttributes.class));
      }
      return toResolved(candidate, attrs);
    } catch (IOException | RuntimeException e) {
      return MISSING;
    }
  }

  private static Resolved toResolved(Path path, BasicFileAttributes attrs) {
    long mtime = attrs.lastModifiedTime().toMillis() / 1000;
    if (attrs.isRegularFile()) {
      return new RegularFile(path, attrs.size(), attrs.lastModifiedTime(), attrs.fileKey());
    }
    if (attrs.isDirectory()) return new Directory(path, mtime);
    return MISSING;
  }

  /**
   * Whether the parent directories of a path are real directories, no symlinks among them. The
   * answer is cached for a second per directory: it saves a readlink per path segment on every
   * request, and the tree's shape rarely changes (the sync never swaps a directory for a link).
   */
  private boolean parentIsPlain(List<String> segments) throws IOException {
    if (segments.size() <= 1) return true;
    String parent = String.join("/", segments.subList(0, segments.size() - 1));
    long now = System.nanoTime();
    Long verified = plainDirectories.get(parent);
    if (verified != null && now - verified < PLAIN_DIRECTORY_TTL_NANOS) return true;
    Path dir = realRoot.resolve(parent);
    if (!dir.toRealPath().equals(dir)) return false;
    if (plainDirectories.size() >= MAX_CACHED_DIRECTORIES) plainDirectories.clear();
    plainDirectories.put(parent, now);
    return true;
  }

  /** The visible entries of a directory; entries that cannot be served are left out. */
  List<DirectoryListing.Entry> list(Directory dir) throws IOException {
    List<DirectoryListing.Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.path())) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) continue;
        try {
          if (Files.isSymbolicLink(p) && !isServable(p.toRealPath())) continue;
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          if (!a.isRegularFile() && !a.isDirectory()) continue;
          entries.add(
              new DirectoryListing.Entry(
                  name, a.isDirectory(), a.size(), a.lastModifiedTime().toMillis() / 1000));
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
}
