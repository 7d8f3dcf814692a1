package org.repomirror.sync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The exclusive lock a sync or plan holds on a mirror ({@code .repomirror/lock}), so that two runs
 * never write one tree. The file names the process holding it and since when, and is emptied when
 * the run ends; the operating system releases the lock when that process dies, even by SIGKILL, and
 * the line left in the file then names the dead holder, which the next run overwrites.
 */
final class MirrorLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private MirrorLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws MirrorBusyException when another run holds the lock
   */
  static MirrorLock take(MirrorLayout layout, Instant now) throws IOException {
    Files.createDirectories(layout.staging());
    FileChannel channel =
        FileChannel.open(layout.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      throw new MirrorBusyException(
          "another sync holds "
              + layout.root()
              + holder(layout).map(h -> " (" + h + ")").orElse(""));
    }
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap(
            ("process "
                    + ProcessHandle.current().pid()
                    + " since "
                    + now.truncatedTo(ChronoUnit.SECONDS)
                    + "\n")
                .getBytes(StandardCharsets.UTF_8)));
    channel.force(false);
    return new MirrorLock(channel, lock);
  }

  /**
   * Who holds the lock now, as the holder wrote it ({@code process 4242 since
   * 2026-12-01T10:00:00Z}); empty when nobody does. Looks without taking it for more than a moment,
   * and needs only to read the file, so that {@code status} may ask.
   */
  static Optional<String> heldBy(MirrorLayout layout) {
    if (!Files.exists(layout.lock())) return Optional.empty();
    try (FileChannel channel = FileChannel.open(layout.lock(), StandardOpenOption.READ)) {
      FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
      if (probe != null) {
        probe.release();
        return Optional.empty();
      }
    } catch (OverlappingFileLockException e) {
      // This process holds it.
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(holder(layout).orElse("a process that has not yet said which"));
  }

  /** Who holds the lock, as the holder wrote it: {@code process 4242 since 2026-12-01T10:00Z}. */
  static Optional<String> holder(MirrorLayout layout) {
    try {
      String text = Files.readString(layout.lock()).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Ends the run cleanly: the holder's line goes, then the lock. */
  @Override
  public void close() throws IOException {
    channel.truncate(0);
    lock.release();
    channel.close();
  }
}
