package org.repomirror.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.repomirror.store.ServedTree;

/**
 * The bytes of small files, bounded in total size, so that hot files (Release, InRelease, small
 * indexes) are answered without opening them. An entry is used only while the file's size, mtime
 * and inode are what the served tree says they are now; the tree looks again after every change the
 * sync makes (and at every request where no sync keeps the tree), so a file the sync replaces (it
 * always renames a new inode into place) is never served stale. Thread-safe.
 */
final class SmallFileCache {
  /** Files larger than this are never cached. */
  static final int MAX_FILE_SIZE = 64 * 1024;

  private record Entry(long size, FileTime modified, Object fileKey, ByteBuffer bytes) {
    boolean matches(ServedTree.RegularFile file) {
      return size == file.size()
          && modified.equals(file.modified())
          && Objects.equals(fileKey, file.fileKey());
    }
  }

  private final Cache<Path, Entry> cache;

  /**
   * @param maxBytes the total size of cached contents; 0 disables caching
   */
  SmallFileCache(long maxBytes) {
    this.cache =
        maxBytes <= 0
            ? null
            : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Path p, Entry e) -> (int) e.size() + 128)
                .build();
  }

  /** Whether the cache is on and would hold a file of this size. */
  boolean accepts(long size) {
    return cache != null && size <= MAX_FILE_SIZE;
  }

  /**
   * The whole content of a file no larger than {@link #MAX_FILE_SIZE}, as a read-only buffer of its
   * own (position 0, limit = size).
   *
   * @throws IOException if the file cannot be read or changed size while being read
   */
  ByteBuffer read(ServedTree.RegularFile file) throws IOException {
    if (cache != null && file.fileKey() != null) {
      Entry e = cache.getIfPresent(file.path());
      if (e != null && e.matches(file)) {
        return e.bytes().duplicate();
      }
    }
    ByteBuffer bytes = ByteBuffer.allocateDirect((int) file.size());
    try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
      while (bytes.hasRemaining()) {
        if (channel.read(bytes) < 0) {
          throw new IOException(file.path() + " shrank while being read");
        }
      }
    }
    bytes.flip();
    ByteBuffer readOnly = bytes.asReadOnlyBuffer();
    if (cache != null && file.fileKey() != null) {
      cache.put(file.path(), new Entry(file.size(), file.modified(), file.fileKey(), readOnly));
    }
    return readOnly.duplicate();
  }
}
