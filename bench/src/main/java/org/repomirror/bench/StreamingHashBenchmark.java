package org.repomirror.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.transfer.HashingOutputStream;

/**
 * Hashing as the transfer does it, on one core: 64 KiB writes through {@link HashingOutputStream}
 * into a null sink. Throughput is bytes hashed per second: multiply ops/s by {@code size}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StreamingHashBenchmark {
  @Param({"SHA256", "MD5", "SHA1"})
  HashAlgorithm algorithm;

  /** Bytes per operation. */
  @Param({"16777216"})
  int size;

  private byte[] chunk;

  @Setup
  public void setUp() {
    chunk = new byte[64 * 1024];
    new Random(1).nextBytes(chunk);
  }

  @Benchmark
  public Hashes hashStream() throws IOException {
    try (HashingOutputStream out =
        new HashingOutputStream(OutputStream.nullOutputStream(), EnumSet.of(algorithm))) {
      for (int done = 0; done < size; done += chunk.length) {
        out.write(chunk, 0, chunk.length);
      }
      return out.hashes();
    }
  }
}
