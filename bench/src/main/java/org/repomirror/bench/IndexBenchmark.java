package org.repomirror.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.index.Index;

/**
 * The RocksDB index as a sync uses it, on one thread: bulk writes of file records in fsync'd
 * batches of {@value #BATCH} (ops/s × {@value #BATCH} = entries/s), and point lookups of random
 * paths of a 300,000-file index (ops/s = lookups/s). Paths look like a pool's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IndexBenchmark {
  static final int BATCH = 1000;
  private static final int FILES = 300_000;

  private Path dir;
  private Index index;
  private String[] paths;
  private Hashes hashes;
  private long next;
  private final Random random = new Random(1);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("index-bench");
    index = Index.open(dir);
    byte[] sha = new byte[32];
    random.nextBytes(sha);
    hashes = Hashes.of(HashAlgorithm.SHA256, HexFormat.of().formatHex(sha));
    paths = new String[FILES];
    for (int i = 0; i < FILES; i += BATCH) {
      try (Index.Batch batch = index.batch()) {
        for (int j = i; j < i + BATCH; j++) {
          paths[j] = path(j);
          batch.put(record(paths[j]));
        }
        batch.commit();
      }
    }
    next = FILES;
  }

  private static String path(long n) {
    return "pool/main/"
        + (char) ('a' + n % 26)
        + "/package"
        + n / 7
        + "/package"
        + n / 7
        + "_1."
        + n % 7
        + "+deb12u1_amd64.deb";
  }

  private FileRecord record(String path) {
    return new FileRecord(
        path, 57_000, 1_700_000_000_000L, hashes, FileState.PUBLISHED, 1, 1_700_000_000_000L);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    index.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One fsync'd batch of new records: divide by nothing, multiply ops/s by the batch size. */
  @Benchmark
  public void bulkWriteBatchOf1000() {
    try (Index.Batch batch = index.batch()) {
      for (int j = 0; j < BATCH; j++) batch.put(record(path(next++)));
      batch.commit();
    }
  }

  @Benchmark
  public Optional<FileRecord> pointLookup() {
    return index.file(paths[random.nextInt(FILES)]);
  }
}
