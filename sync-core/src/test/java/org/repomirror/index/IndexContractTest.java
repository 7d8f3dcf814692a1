package org.repomirror.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.testing.FakeIndex;

/** The RocksDB index and the in-memory one the unit tests use behave alike. */
class IndexContractTest {
  @TempDir static Path tmp;

  static Stream<Function<String, Index>> indexes() {
    return Stream.of(name -> Index.open(tmp.resolve(name)), name -> new FakeIndex());
  }

  private static FileRecord record(String path) {
    return new FileRecord(
        path, 1, 2, Hashes.of(HashAlgorithm.MD5, "0".repeat(32)), FileState.PUBLISHED, 3, 4);
  }

  @ParameterizedTest
  @MethodSource("indexes")
  void aBatchIsSeenWholeAfterItsCommitAndNotBefore(Function<String, Index> open) {
    try (Index index = open.apply("commit-" + System.nanoTime());
        Index.Batch batch = index.batch()) {
      batch.put(record("pool/b")).put(record("pool/a")).putReferences("dists/s", Set.of("pool/a"));
      batch.markForDeletion("pool/b", 7).putIntent(record("pool/c")).putMeta("plan", "{}");
      assertThat(index.file("pool/a")).isEmpty();
      assertThat(index.suites()).isEmpty();
      batch.commit();
      assertThat(index.file("pool/a")).hasValue(record("pool/a"));
      assertThat(index.references("dists/s")).hasValue(Set.of("pool/a"));
      assertThat(index.pendingDeletes()).containsEntry("pool/b", 7L).hasSize(1);
      assertThat(index.intents()).containsExactly(record("pool/c"));
      assertThat(index.meta("plan")).hasValue("{}");
    }
  }

  @ParameterizedTest
  @MethodSource("indexes")
  void scansAreInPathOrderWithinTheirPrefix(Function<String, Index> open) {
    try (Index index = open.apply("scan-" + System.nanoTime());
        Index.Batch batch = index.batch()) {
      for (String p : List.of("pool/b", "pool/a", "poolside", "dists/x")) batch.put(record(p));
      batch.putRun("2026-01-02T00:00:00Z", "second").putRun("2026-01-01T00:00:00Z", "first");
      batch.commit();
      List<String> seen = new ArrayList<>();
      index.forEachPath("pool/", seen::add);
      assertThat(seen).containsExactly("pool/a", "pool/b");
      assertThat(index.runs(5)).containsExactly("second", "first");
      assertThat(index.runs(1)).containsExactly("second");
      try (Index.Batch undo = index.batch()) {
        undo.delete("pool/a").unmarkForDeletion("none").deleteMeta("none").commit();
      }
      assertThat(index.file("pool/a")).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("indexes")
  void aBatchLookupAnswersEachPathInItsPlace(Function<String, Index> open) {
    try (Index index = open.apply("many-" + System.nanoTime());
        Index.Batch batch = index.batch()) {
      batch.put(record("pool/a")).put(record("pool/c")).commit();
      assertThat(index.files(List.of("pool/c", "pool/b", "pool/a", "pool/c")))
          .containsExactly(
              java.util.Optional.of(record("pool/c")),
              java.util.Optional.empty(),
              java.util.Optional.of(record("pool/a")),
              java.util.Optional.of(record("pool/c")));
      assertThat(index.files(List.of())).isEmpty();
    }
  }
}
