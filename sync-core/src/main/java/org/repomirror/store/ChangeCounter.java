package org.repomirror.store;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * How many changes a sync has made to the tree it serves, in an 8-byte file of the mirror's state
 * folder. The sync makes the count odd before it changes anything a client can see, and even, and
 * larger, once it is done. A server that read an even count before it looked at a path may trust
 * what it saw for as long as the count stays that number: a seqlock across processes. Servers map
 * the file into memory and read it without a system call; the sync writes it in place with {@code
 * pwrite}, which the page cache shows to every mapping at once, and holds it open only during a
 * change, so that a finished sync pins nothing (a filesystem can be unmounted).
 *
 * <p>The file is never replaced, so that a mapping stays on it; a server checks now and then that
 * the path still names the file it mapped.
 */
final class ChangeCounter {
  /** The file, relative to the mirror's root. */
  static final String PATH = ".repomirror/changes";

  private static final VarHandle COUNT =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  /** A change to what clients see. */
  interface Change {
    void make() throws IOException;
  }

  private final MappedByteBuffer map;
  private final Object fileKey;

  private ChangeCounter(MappedByteBuffer map, Object fileKey) {
    this.map = map;
    this.fileKey = fileKey;
  }

  /**
   * Makes a change between the two marks of a mirror's counter, making the counter if there is
   * none.
   */
  static void around(Path root, Change change) throws IOException {
    Path file = root.resolve(PATH);
    if (!Files.isDirectory(file.getParent())) Files.createDirectories(file.getParent());
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer count = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder());
      long before = channel.read(count, 0) == Long.BYTES ? count.getLong(0) : 0;
      long during = (before + 1) | 1;
      write(channel, during);
      try {
        change.make();
      } finally {
        write(channel, during + 1);
      }
    }
  }

  private static void write(FileChannel channel, long count) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder());
    bytes.putLong(0, count);
    while (bytes.hasRemaining()) channel.write(bytes, bytes.position());
  }

  /** The counter of a mirror root, mapped for reading, if a sync has made one. */
  static Optional<ChangeCounter> forReading(Path root) {
    Path file = root.resolve(PATH);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() < Long.BYTES) return Optional.empty();
      return Optional.of(
          new ChangeCounter(channel.map(FileChannel.MapMode.READ_ONLY, 0, Long.BYTES), key(file)));
    } catch (IOException e) {
      return Optional.empty(); // none yet, or unreadable: the server looks at every request
    }
  }

  private static Object key(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  /** Whether the path still names the file this counter maps. */
  boolean stillAt(Path root) {
    try {
      Object now = key(root.resolve(PATH));
      return now != null && Objects.equals(now, fileKey);
    } catch (IOException e) {
      return false;
    }
  }

  long count() {
    return (long) COUNT.getAcquire(map, 0);
  }

  /** Whether no change is going on at this count. */
  static boolean settled(long count) {
    return (count & 1) == 0;
  }
}
