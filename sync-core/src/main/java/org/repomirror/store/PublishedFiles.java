package org.repomirror.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.fs.FileHashes;

/**
 * What {@code verify} and {@code status} read of a mirror's published tree, wherever it lives: a
 * folder on disk ({@link #inFolder}) or a bucket. Reads only; thread-safe.
 */
public interface PublishedFiles {
  /**
   * What is at a path, not following links.
   *
   * @param regularFile false for a link, a folder or anything else
   * @param linkTarget where it points when it is a symbolic link; else null
   */
  record Entry(boolean regularFile, long size, long mtimeMillis, String linkTarget) {}

  /** What is at a path, or empty when nothing is. */
  Optional<Entry> entry(String path) throws IOException;

  InputStream open(String path) throws IOException;

  /** Every byte of a file hashed. */
  default String hash(String path, HashAlgorithm algorithm, LongConsumer hashed)
      throws IOException {
    try (InputStream in = open(path)) {
      return FileHashes.hex(in, algorithm, hashed);
    }
  }

  /**
   * Hands over the path of every file and link in the tree, hidden ones (the mirror's own state)
   * left out. Folders are not handed over.
   */
  void forEachPath(Consumer<String> visit) throws IOException;

  /** Where it lives, for messages. */
  String where();

  /** The tree in a folder on disk. */
  static PublishedFiles inFolder(Path root) {
    return new PublishedFiles() {
      @Override
      public Optional<Entry> entry(String path) throws IOException {
        Path p = root.resolve(path);
        try {
          BasicFileAttributes a =
              Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          String target = a.isSymbolicLink() ? Files.readSymbolicLink(p).toString() : null;
          return Optional.of(
              new Entry(a.isRegularFile(), a.size(), a.lastModifiedTime().toMillis(), target));
        } catch (NoSuchFileException e) {
          return Optional.empty();
        }
      }

      @Override
      public InputStream open(String path) throws IOException {
        return Files.newInputStream(root.resolve(path));
      }

      @Override
      public String hash(String path, HashAlgorithm algorithm, LongConsumer hashed)
          throws IOException {
        return FileHashes.hex(root.resolve(path), algorithm, hashed);
      }

      @Override
      public void forEachPath(Consumer<String> visit) throws IOException {
        Files.walkFileTree(
            root,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.getFileName().toString().startsWith(".") && !dir.equals(root)
                    ? FileVisitResult.SKIP_SUBTREE
                    : FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!file.getFileName().toString().startsWith(".")) {
                  visit.accept(root.relativize(file).toString());
                }
                return FileVisitResult.CONTINUE;
              }
            });
      }

      @Override
      public String where() {
        return root.toString();
      }
    };
  }
}
