package org.repomirror.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
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

  record RegularFile(Path path, long size, long mtimeSecond) implements Resolved {}

  record Directory(Path path, long mtimeSecond) implements Resolved {}

  private static final Resolved MISSING = new Missing();

  private final Path realRoot;

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
    Path real;
    BasicFileAttributes attrs;
    try {
      real = realRoot.resolve(request.relative()).toRealPath();
      if (!isServable(real)) return MISSING;
      attrs = Files.readAttributes(real, BasicFileAttributes.class);
    } catch (IOException | RuntimeException e) {
      return MISSING;
    }
    long mtime = attrs.lastModifiedTime().toMillis() / 1000;
    if (attrs.isRegularFile()) return new RegularFile(real, attrs.size(), mtime);
    if (attrs.isDirectory()) return new Directory(real, mtime);
    return MISSING;
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
