package org.repomirror.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real filesystem, but the n-th rename (or swap) into place fails as a full disk does, and
 * every rename is recorded in order, and stats of files are counted; it can also refuse to swap
 * folders, as NFS does. Thread-safe.
 */
public final class FaultyFileStore extends PassThroughFileStore {
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

  private boolean noExchange;

  /** From now on, swapping two paths is refused as on a filesystem that cannot (NFS). */
  public FaultyFileStore withoutExchange() {
    this.noExchange = true;
    return this;
  }
}
