package org.repomirror.sync;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock a sync or plan holds on a mirror ({@code .repomirror/lock}), so that two runs
 * never write one tree. The operating system releases it when the process dies, even by SIGKILL.
 */
final class MirrorLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private MirrorLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws IOException when another run holds the lock
   */
  static MirrorLock take(Path root) throws IOException {
    Files.createDirectories(root.resolve(".repomirror/staging"));
    FileChannel channel =
        FileChannel.open(
            root.resolve(".repomirror/lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      throw new IOException("another sync is running on " + root + " (.repomirror/lock is held)");
    }
    return new MirrorLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
