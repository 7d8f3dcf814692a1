package org.repomirror.fs;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalDouble;
import java.util.Random;
import org.repomirror.run.Ticker;

/**
 * How fast a disk takes writes that must be kept: bytes written with {@code O_DIRECT}, past the
 * page cache, then flushed. A write through the cache runs at memory speed until the cache fills,
 * which hides the rate a long sync meets once it makes gigabytes durable.
 */
public final class DiskRate {
  private static final int BLOCK = 4 << 20;

  private DiskRate() {}

  /**
   * Writes a scratch file of about the given size in a folder, directly, and deletes it.
   *
   * @return bytes per second; empty where the filesystem refuses direct writes (tmpfs, some network
   *     filesystems)
   */
  public static OptionalDouble sustainedWrite(Path folder, long bytes, Ticker ticker)
      throws IOException {
    Files.createDirectories(folder);
    Path scratch = Files.createTempFile(folder, "disk-rate", ".tmp");
    try (FileChannel channel =
        FileChannel.open(scratch, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
      int alignment = (int) Math.max(4096, Files.getFileStore(scratch).getBlockSize());
      ByteBuffer block = ByteBuffer.allocateDirect(BLOCK + alignment).alignedSlice(alignment);
      byte[] noise = new byte[BLOCK]; // not zeros: no layer below may compress them away
      new Random(7).nextBytes(noise);
      block.put(noise);
      long t0 = ticker.nanos();
      long written = 0;
      while (written < bytes) {
        block.clear();
        while (block.hasRemaining()) written += channel.write(block, written);
      }
      channel.force(false);
      double seconds = (ticker.nanos() - t0) / 1e9;
      return seconds > 0 ? OptionalDouble.of(written / seconds) : OptionalDouble.empty();
    } catch (UnsupportedOperationException e) {
      return OptionalDouble.empty();
    } catch (FileSystemException e) {
      if ("Invalid argument".equals(e.getReason())) return OptionalDouble.empty(); // EINVAL
      throw e;
    } finally {
      Files.deleteIfExists(scratch);
    }
  }
}
