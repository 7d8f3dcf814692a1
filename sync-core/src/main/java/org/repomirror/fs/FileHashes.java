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
 * A file's (or a stream's) checksum, its bytes read once in large blocks with the JDK's digest
 * (SHA-NI where the CPU has it): the one place a file on disk is hashed whole. Thread-safe: each
 * thread reads into a buffer of its own.
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
    try (InputStream in = Files.newInputStream(file)) {
      return hex(in, algorithm, hashed);
    }
  }

  /** The lowercase hex checksum of what a stream holds; the stream is read to its end. */
  public static String hex(InputStream in, HashAlgorithm algorithm) throws IOException {
    return hex(in, algorithm, n -> {});
  }

  /**
   * The lowercase hex checksum of what a stream holds; the stream is read to its end.
   *
   * @param hashed hears of each block's bytes as they are hashed, for a rate
   */
  public static String hex(InputStream in, HashAlgorithm algorithm, LongConsumer hashed)
      throws IOException {
    MessageDigest d = algorithm.newDigest();
    byte[] buffer = BUFFERS.get();
    for (int n; (n = in.read(buffer)) > 0; ) {
      d.update(buffer, 0, n);
      hashed.accept(n);
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
