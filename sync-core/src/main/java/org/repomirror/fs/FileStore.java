package org.repomirror.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The filesystem operations that publication and planning rest on, behind one small interface so
 * that tests can inject faults (a failing rename, a full disk) without a real broken disk. {@link
 * #SYSTEM} is the real filesystem. Implementations are thread-safe.
 */
public interface FileStore {
  /** The real filesystem. */
  FileStore SYSTEM = new SystemFileStore();

  /**
   * What is at a path, without following a symbolic link.
   *
   * @param size bytes; for a link, the length of its target
   */
  record Stat(Kind kind, long size, long mtimeMillis) {
    public enum Kind {
      FILE,
      LINK,
      DIRECTORY,
      OTHER
    }

    public boolean isFile() {
      return kind == Kind.FILE;
    }
  }

  /** What is at a path, or empty when nothing is. */
  Optional<Stat> stat(Path path) throws IOException;

  void createDirectories(Path dir) throws IOException;

  /** Makes a file's content durable. */
  void fsync(Path file) throws IOException;

  /** Makes the renames into a folder durable. */
  void fsyncDirectory(Path dir) throws IOException;

  /**
   * Makes every write to the filesystem that holds a folder durable, data and renames alike (Linux
   * {@code syncfs(2)}): one flush for a batch of files, where a journal commits one transaction
   * instead of one per fsync.
   *
   * @return false where the system has no such call (nothing was done): fsync file by file
   */
  boolean syncFilesystem(Path folder) throws IOException;

  /** Renames a file over another atomically (same filesystem), replacing what was there. */
  void moveAtomically(Path from, Path to) throws IOException;

  void deleteIfExists(Path path) throws IOException;

  /** Deletes a folder if it is empty; whether it did (not when it holds anything, or is gone). */
  boolean deleteIfEmptyFolder(Path dir) throws IOException;

  /** Creates a symbolic link and sets its own mtime (not its target's), when one is given. */
  void createSymbolicLink(Path link, String target, long mtimeMillis) throws IOException;

  /** The target of a symbolic link, or empty when the path is not one. */
  Optional<String> readSymbolicLink(Path link) throws IOException;

  /** Makes a hard link: a second name for an existing file. */
  void createLink(Path link, Path existing) throws IOException;

  /**
   * Swaps two existing paths, folders included, in one atomic step (Linux {@code renameat2} with
   * {@code RENAME_EXCHANGE}): a reader sees one or the other, never neither.
   *
   * @throws ExchangeUnsupportedException where the filesystem or the system cannot
   */
  void exchange(Path a, Path b) throws IOException;

  /** Deletes a folder and everything in it, not following links; nothing when it is absent. */
  void deleteTree(Path dir) throws IOException;

  /** The filesystem cannot swap two paths atomically (not Linux, or NFS, or an old kernel). */
  final class ExchangeUnsupportedException extends IOException {
    private static final long serialVersionUID = 1L;

    public ExchangeUnsupportedException(String message) {
      super(message);
    }
  }
}
