package org.repomirror.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.source.UpstreamValidators;

/** A real RocksDB in a temporary folder. */
class RocksIndexTest {
  private static final String SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String MD5 = "d41d8cd98f00b204e9800998ecf8427e";

  @TempDir Path tmp;

  private static FileRecord record(String path, long size) {
    return new FileRecord(
        path,
        size,
        1_700_000_000_000L,
        new Hashes(Map.of(HashAlgorithm.SHA256, SHA256, HashAlgorithm.MD5, MD5)),
        FileState.PUBLISHED,
        7,
        1_700_000_000_123L);
  }

  /**
   * A handle that wrote much leaves it in a table file, not only in its write-ahead log, so that
   * the next opening has no log to replay; one that wrote little leaves its log.
   */
  @Test
  void muchWrittenIsInATableFileAfterTheCloseAndLittleInTheLog() throws Exception {
    Path db = tmp.resolve("db");
    try (RocksIndex index = RocksIndex.open(db);
        Index.Batch batch = index.batch()) {
      for (int i = 0; i < 50_000; i++) batch.put(record("pool/main/p%06d.deb".formatted(i), i));
      batch.commit();
      assertThat(bytesOf(db, ".log")).as("in the log while open").isGreaterThan(4L << 20);
    }
    assertThat(bytesOf(db, ".log")).as("the log after the close").isLessThan(64 * 1024);
    try (RocksIndex index = RocksIndex.open(db);
        Index.Batch batch = index.batch()) {
      assertThat(index.file("pool/main/p049999.deb"))
          .hasValue(record("pool/main/p049999.deb", 49_999));
      batch.put(record("pool/main/few.deb", 1)).commit();
    }
    assertThat(bytesOf(db, ".log")).as("a few records stay in the log").isPositive();
    try (RocksIndex index = RocksIndex.open(db)) {
      assertThat(index.file("pool/main/few.deb")).hasValue(record("pool/main/few.deb", 1));
    }
  }

  private static long bytesOf(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(suffix))
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  @Test
  void committedRecordsSurviveAReopen() {
    try (RocksIndex index = RocksIndex.open(tmp.resolve("db"));
        Index.Batch batch = index.batch()) {
      batch.put(record("pool/main/a/a_1_all.deb", 10)).put(record("dists/x/Release", 5));
      batch.putValidators("http://up/dists/x/InRelease", new UpstreamValidators("\"e1\"", null));
      assertThat(index.file("dists/x/Release")).isEmpty(); // not yet committed
      batch.commit();
    }
    try (RocksIndex index = RocksIndex.open(tmp.resolve("db"))) {
      assertThat(index.file("pool/main/a/a_1_all.deb"))
          .hasValue(record("pool/main/a/a_1_all.deb", 10));
      assertThat(index.file("pool/missing")).isEmpty();
      assertThat(index.validators("http://up/dists/x/InRelease"))
          .hasValue(new UpstreamValidators("\"e1\"", null));
      assertThat(index.validators("http://up/other")).isEmpty();
    }
  }

  @Test
  void prefixScansStreamInPathOrderAndStayInsideTheirPrefix() {
    try (RocksIndex index = RocksIndex.open(tmp.resolve("db"));
        Index.Batch batch = index.batch()) {
      for (String p : List.of("pool/b", "pool/a", "dists/x", "poolside", "pool/c/d")) {
        batch.put(record(p, 1));
      }
      batch.putValidators("pool/zzz", new UpstreamValidators(null, "x"));
      batch.commit();
      List<String> seen = new ArrayList<>();
      index.forEachFile("pool/", r -> seen.add(r.path()));
      assertThat(seen).containsExactly("pool/a", "pool/b", "pool/c/d");
      List<String> all = new ArrayList<>();
      index.forEachFile("", r -> all.add(r.path()));
      assertThat(all).hasSize(5);
    }
  }

  @Test
  void deletesApplyWithTheBatch() {
    try (RocksIndex index = RocksIndex.open(tmp.resolve("db"))) {
      try (Index.Batch b = index.batch()) {
        b.put(record("a", 1)).commit();
      }
      try (Index.Batch b = index.batch()) {
        b.delete("a").put(record("b", 2)).commit();
      }
      assertThat(index.file("a")).isEmpty();
      assertThat(index.file("b")).isPresent();
    }
  }

  @Property(tries = 200)
  void recordsRoundTrip(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long size,
      @ForAll long mtime,
      @ForAll FileState state,
      @ForAll long generation) {
    FileRecord r =
        new FileRecord(
            "p",
            size,
            mtime,
            Hashes.of(HashAlgorithm.SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            state,
            generation,
            0);
    assertThat(RecordCodec.decode("p", RecordCodec.encode(r))).isEqualTo(r);
  }

  @Test
  void corruptRecordsAreIndexErrors() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RecordCodec.decode("p", new byte[] {9, 1}))
        .isInstanceOf(IndexException.class)
        .hasMessageContaining("unknown version");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RecordCodec.decode("p", new byte[] {1, 1}))
        .isInstanceOf(IndexException.class)
        .hasMessageContaining("corrupt record");
  }
}
