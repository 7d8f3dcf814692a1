package org.repomirror.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.repomirror.store.ServedTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The descriptors of files sent by sendfile, kept open between requests as nginx's {@code
 * open_file_cache} keeps them, so that a file asked for again goes out without an open, an fstat
 * and a close. Thread-safe.
 *
 * <p>A descriptor stands for the file as the served tree resolved it: path, inode, size and mtime.
 * The tree looks again after every change the sync makes (and within a second of any other), so
 * once a path names another file, its next request opens that file and the old descriptor is closed
 * as soon as no answer still sends it. While this holds a descriptor, its inode cannot be reused,
 * so an equal inode is the same file. A descriptor no request used for a while is closed, so that a
 * file deleted from the tree gives back its space soon.
 */
final class OpenFiles implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenFiles.class);

  /** Descriptors open at most, beyond those of answers under way. */
  static final int MAX_OPEN = 1_000;

  /** How long a descriptor no request uses stays open. */
  static final Duration IDLE = Duration.ofSeconds(10);

  /** An open file, closed once the cache and every answer sending it have let go of it. */
  private static final class Descriptor {
    final ServedTree.RegularFile file;
    final FileChannel channel;
    private final AtomicInteger holders = new AtomicInteger(1); // the cache's hold

    Descriptor(ServedTree.RegularFile file, FileChannel channel) {
      this.file = file;
      this.channel = channel;
    }

    /** Takes a hold; false once the descriptor is closed or closing. */
    boolean hold() {
      for (int n = holders.get(); n > 0; n = holders.get()) {
        if (holders.compareAndSet(n, n + 1)) return true;
      }
      return false;
    }

    void release() {
      if (holders.decrementAndGet() == 0) closeQuietly(channel);
    }
  }

  /** A part of a held descriptor: sending it lets go of its hold, not of the file. */
  private static final class HeldRegion extends DefaultFileRegion {
    private final Descriptor descriptor;

    HeldRegion(Descriptor descriptor, long position, long count) {
      super(descriptor.channel, position, count);
      this.descriptor = descriptor;
    }

    @Override
    protected void deallocate() {
      descriptor.release();
    }
  }

  private final Cache<Path, Descriptor> open;

  OpenFiles() {
    this(MAX_OPEN, IDLE);
  }

  OpenFiles(int maxOpen, Duration idle) {
    this.open =
        Caffeine.newBuilder()
            .maximumSize(maxOpen)
            .expireAfterAccess(idle)
            .scheduler(Scheduler.systemScheduler())
            .executor(Runnable::run)
            .removalListener((Path p, Descriptor d, RemovalCause cause) -> d.release())
            .build();
  }

  /**
   * The bytes of a part of a file, by sendfile, from a descriptor held open when the file is still
   * what the tree resolved. A file that changed since, or that cannot be opened now, gets a region
   * opened from its path when sent, as without this cache.
   */
  FileRegion region(ServedTree.RegularFile file, long position, long count) {
    if (file.fileKey() != null) {
      Descriptor d = open.getIfPresent(file.path());
      if (d == null || !d.file.equals(file)) d = opened(file);
      if (d != null && d.hold()) return new HeldRegion(d, position, count);
    }
    return new DefaultFileRegion(file.path().toFile(), position, count);
  }

  /** Opens a file and keeps it, when what is opened is the file resolved; else null. */
  private Descriptor opened(ServedTree.RegularFile file) {
    FileChannel channel;
    try {
      channel = FileChannel.open(file.path(), StandardOpenOption.READ);
    } catch (IOException e) {
      return null;
    }
    try {
      // The path may name another file by now than the tree resolved; one of another length is not
      // held. The tree, not the server, looks at paths: the descriptor's own length is what is
      // checked here.
      if (channel.size() != file.size()) {
        closeQuietly(channel);
        return null;
      }
    } catch (IOException e) {
      closeQuietly(channel);
      return null;
    }
    Descriptor d = new Descriptor(file, channel);
    open.put(file.path(), d); // lets go of the one it replaces
    return d;
  }

  /** How many descriptors are held for later requests. */
  long held() {
    open.cleanUp();
    return open.estimatedSize();
  }

  /** Lets go of every descriptor; those answers still send close when the answers are done. */
  @Override
  public void close() {
    open.invalidateAll();
    open.cleanUp();
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("could not close a descriptor: {}", e.toString());
    }
  }
}
