package org.repomirror.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import org.repomirror.debian.HashAlgorithm;

/**
 * A file's checksum, its bytes read once in large blocks with the JDK's digest (SHA-NI where the
 * CPU has it): the one place a file on disk is hashed whole. Thread-safe: each thread reads into a
 * buffer of its own.
 */
public final class FileHashes {
  private static final ThreadLocal<byte[]> BUFFERS =
      ThreadLocal.withInitial(() -> new byte[1 << 18]);

  private FileHashes() {}

  /** The lowercase hex checksum of a file. */
  public static String hex(Path file, HashAlgorithm algorithm) throws IOException {
    return hex(file, algorithm, n -> {});
  }

  /**
   * The lowercase hex checksum of a file.
   *
   * @param hashed hears of each block's bytes as they are hashed, for a rate
   */
  public static String hex(Path file, HashAlgorithm algorithm, LongConsumer hashed)
      throws IOException {
    MessageDigest d = algorithm.newDigest();
    byte[] buffer = BUFFERS.get();
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        d.update(buffer, 0, n);
        hashed.accept(n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
