package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifest's gzip, compressed in members on several cores: whatever the length, Java's reader
 * and the real gzip read back exactly the bytes written, and the same input gives the same file.
 */
class ParallelGzipTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      ints = {
        0,
        1,
        ParallelGzip.BLOCK - 1,
        ParallelGzip.BLOCK,
        ParallelGzip.BLOCK + 1,
        11 * ParallelGzip.BLOCK / 2
      })
  void readsBackWhatWasWrittenAndIsTheSameEachTime(int length) throws Exception {
    byte[] input = manifestLike(length);
    byte[] first = compress(input);
    assertThat(compress(input)).as("the same input, the same file").isEqualTo(first);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(first))) {
      assertThat(in.readAllBytes()).isEqualTo(input);
    }
    Path file = Files.write(tmp.resolve("m.gz"), first);
    Process gzip = new ProcessBuilder("gzip", "-dc", file.toString()).start();
    byte[] decoded = gzip.getInputStream().readAllBytes();
    assertThat(gzip.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(gzip.exitValue()).as("gzip -dc's exit code").isZero();
    assertThat(decoded).as("what the real gzip reads").isEqualTo(input);
  }

  /** Lines of text much like a manifest's, which compress as a manifest does. */
  private static byte[] manifestLike(int length) {
    Random random = new Random(length);
    StringBuilder text = new StringBuilder(length + 200);
    while (text.length() < length) {
      text.append("f\t").append(random.nextInt(1_000_000)).append('\t');
      text.append(1_700_000_000_000L + random.nextInt()).append('\t');
      for (int i = 0; i < 64; i++) text.append(Character.forDigit(random.nextInt(16), 16));
      text.append("\tpool/main/p/pkg").append(random.nextInt(5000)).append(".deb\n");
    }
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) bytes[i] = (byte) text.charAt(i);
    return bytes;
  }

  private static byte[] compress(byte[] input) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzip gzip = new ParallelGzip(out)) {
      // In uneven pieces, as the manifest's writer hands over its lines.
      Random random = new Random(1);
      for (int at = 0; at < input.length; ) {
        int n = Math.min(input.length - at, 1 + random.nextInt(300));
        gzip.write(input, at, n);
        at += n;
      }
    }
    return out.toByteArray();
  }
}
