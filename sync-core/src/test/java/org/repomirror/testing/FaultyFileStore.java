package org.repomirror.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.repomirror.fs.FileStore;

/**
 * The real filesystem, but the n-th rename (or swap) into place fails as a full disk does, and
 * every rename is recorded in order, and stats of files are counted; it can also refuse to swap
 * folders, as NFS does. Thread-safe.
 */
public final class FaultyFileStore implements FileStore {
  private final int failingMove;
  private final AtomicInteger moves = new AtomicInteger();
  private final List<Path> fileStats = new ArrayList<>();
  private final List<Path> moved = new ArrayList<>();

  /**
   * @param failingMove which rename fails (1 for the first), or 0 for none
   */
  public FaultyFileStore(int failingMove) {
    this.failingMove = failingMove;
  }

  /** The targets of the renames that happened, in order. */
  public synchronized List<Path> moved() {
    return List.copyOf(moved);
  }

  @Override
  public void moveAtomically(Path from, Path to) throws IOException {
    if (moves.incrementAndGet() == failingMove) {
      throw new IOException(to + ": No space left on device");
    }
    SYSTEM.moveAtomically(from, to);
    synchronized (this) {
      moved.add(to);
    }
  }

  @Override
  public Optional<Stat> stat(Path path) throws IOException {
    Optional<Stat> stat = SYSTEM.stat(path);
    if (stat.filter(Stat::isFile).isPresent()) {
      synchronized (this) {
        fileStats.add(path);
      }
    }
    return stat;
  }

  /** The paths of the stats that found a regular file, as many times as each was statted. */
  public synchronized List<Path> fileStats() {
    return List.copyOf(fileStats);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    SYSTEM.createDirectories(dir);
  }

  @Override
  public void fsync(Path file) throws IOException {
    SYSTEM.fsync(file);
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    SYSTEM.fsyncDirectory(dir);
  }

  @Override
  public boolean syncFilesystem(Path folder) throws IOException {
    return SYSTEM.syncFilesystem(folder);
  }

  @Override
  public void deleteIfExists(Path path) throws IOException {
    SYSTEM.deleteIfExists(path);
  }

  @Override
  public boolean deleteIfEmptyFolder(Path dir) throws IOException {
    return SYSTEM.deleteIfEmptyFolder(dir);
  }

  @Override
  public void createSymbolicLink(Path link, String target, long mtimeMillis) throws IOException {
    SYSTEM.createSymbolicLink(link, target, mtimeMillis);
  }

  @Override
  public Optional<String> readSymbolicLink(Path link) throws IOException {
    return SYSTEM.readSymbolicLink(link);
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    SYSTEM.createLink(link, existing);
  }

  /** Swaps as the system does, unless this store was made to refuse it. */
  @Override
  public void exchange(Path a, Path b) throws IOException {
    if (noExchange) throw new ExchangeUnsupportedException("this store cannot swap " + a);
    if (moves.incrementAndGet() == failingMove) {
      throw new IOException(b + ": No space left on device");
    }
    SYSTEM.exchange(a, b);
    synchronized (this) {
      moved.add(b);
    }
  }

  @Override
  public void deleteTree(Path dir) throws IOException {
    SYSTEM.deleteTree(dir);
  }

  private boolean noExchange;

  /** From now on, swapping two paths is refused as on a filesystem that cannot (NFS). */
  public FaultyFileStore withoutExchange() {
    this.noExchange = true;
    return this;
  }
}
