package org.repomirror.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
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
import org.repomirror.debian.Compression;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.PackagesIndex;

/**
 * Reading a Packages index as the sync does, on one thread: decompress and parse every stanza into
 * (path, size, hashes). The index is 20,000 realistic stanzas (about 20 MB uncompressed); MB/s of
 * uncompressed index = ops/s × {@link #uncompressedMegabytes}, printed at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class PackagesParsingBenchmark {
  private static final int STANZAS = 20_000;

  @Param({"GZIP", "XZ", "NONE"})
  Compression compression;

  private byte[] compressed;
  double uncompressedMegabytes;

  @Setup
  public void setUp() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < STANZAS; i++) {
      String name = "package" + i;
      s.append("Package: ")
          .append(name)
          .append('\n')
          .append("Version: 1.")
          .append(i % 50)
          .append("-")
          .append(i % 7)
          .append("+deb12u1\n")
          .append("Architecture: amd64\nMaintainer: Someone <someone@example.org>\n")
          .append("Installed-Size: ")
          .append(100 + i % 5000)
          .append('\n')
          .append("Depends: libc6 (>= 2.34), libfoo")
          .append(i % 30)
          .append(" (>= 1.0)\n")
          .append("Section: utils\nPriority: optional\n")
          .append("Filename: pool/main/p/")
          .append(name)
          .append('/')
          .append(name)
          .append("_1.0_amd64.deb\n")
          .append("Size: ")
          .append(1000 + i * 37 % 1_000_000)
          .append('\n')
          .append("MD5sum: ")
          .append(hex(i, 32))
          .append('\n')
          .append("SHA256: ")
          .append(hex(i, 64))
          .append('\n')
          .append("Description: a package for benchmarks number ")
          .append(i)
          .append('\n')
          .append("Description-md5: ")
          .append(hex(i + 1, 32))
          .append("\n\n");
    }
    byte[] plain = s.toString().getBytes(StandardCharsets.UTF_8);
    uncompressedMegabytes = plain.length / 1e6;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream c =
        switch (compression) {
          case GZIP -> new GzipCompressorOutputStream(out);
          case XZ -> new XZCompressorOutputStream(out);
          default -> out;
        }) {
      c.write(plain);
    }
    compressed = out.toByteArray();
    System.out.printf(
        "%n%s: %.1f MB uncompressed per op, %.1f MB on the wire%n",
        compression, uncompressedMegabytes, compressed.length / 1e6);
  }

  private static String hex(int seed, int digits) {
    StringBuilder h = new StringBuilder(digits);
    long x = seed * 0x9E3779B97F4A7C15L;
    while (h.length() < digits) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      h.append(String.format("%016x", x));
    }
    return h.substring(0, digits);
  }

  @Benchmark
  public long parsePackages() throws IOException {
    long files = 0;
    try (InputStream in = compression.open(new ByteArrayInputStream(compressed));
        PackagesIndex p = new PackagesIndex(in)) {
      for (Optional<ExpectedFile> f = p.next(); f.isPresent(); f = p.next()) files++;
    }
    return files;
  }
}
