package org.repomirror.index;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The paths whose file records an index handle changed since its files' mark ({@link
 * Index#markFiles}), while it can still name them all. The mark is on disk, and the first commit of
 * file records after it removes it in the same write; so a mark found at opening means no record
 * changed since it was set, by this handle or any before it. Thread-safe: commits of file records
 * run side by side (RocksDB groups their syncs), a new mark alone.
 */
final class FileChanges {
  /** Paths kept at most; past this the changes are many, and their paths unknown. */
  static final int MAX_PATHS = 100_000;

  /** A write to the index, told whether it must remove the mark. */
  interface Write {
    void apply(boolean removeMark);
  }

  private final ReentrantReadWriteLock marking = new ReentrantReadWriteLock();
  private final Set<String> paths = new HashSet<>();
  private volatile boolean markOnDisk;
  private String mark; // null when none was found or set
  private boolean tooMany;

  /**
   * @param found the mark on disk at opening, or null
   */
  FileChanges(String found) {
    this.mark = found;
    this.markOnDisk = found != null;
  }

  /** Commits file records: with the mark's removal when it is still on disk, then notes them. */
  void commit(Set<String> changed, Write write) {
    if (changed.isEmpty()) {
      write.apply(false);
      return;
    }
    marking.readLock().lock();
    try {
      write.apply(markOnDisk);
      markOnDisk = false;
      synchronized (paths) {
        if (!tooMany) {
          paths.addAll(changed);
          if (paths.size() > MAX_PATHS) {
            tooMany = true;
            paths.clear();
          }
        }
      }
    } finally {
      marking.readLock().unlock();
    }
  }

  /** Sets a new mark, by a write that no commit of file records runs beside. */
  void mark(String value, Runnable write) {
    marking.writeLock().lock();
    try {
      write.run();
      markOnDisk = true;
      synchronized (paths) {
        mark = value;
        tooMany = false;
        paths.clear();
      }
    } finally {
      marking.writeLock().unlock();
    }
  }

  Optional<Index.FilesSinceMark> sinceMark() {
    synchronized (paths) {
      if (mark == null || tooMany) return Optional.empty();
      return Optional.of(new Index.FilesSinceMark(mark, Set.copyOf(paths)));
    }
  }
}
