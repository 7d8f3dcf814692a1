package org.repomirror.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.source.UpstreamValidators;

/** The index's copy, written from one real RocksDB and loaded into another. */
class IndexSnapshotTest {
  private static final String MD5 = "d41d8cd98f00b204e9800998ecf8427e";

  @TempDir Path tmp;

  @Test
  void aCopyLoadsIntoAnEmptyIndexAsItWas() throws Exception {
    // Paths as real archives hold them, and what the format escapes.
    List<String> paths =
        List.of(
            "pool/main/g/gcc/g++-12_12.2.0-14_amd64.deb",
            "pool/main/o/odd/odd 100%_1.0~rc1:2.deb",
            "pool/main/t/tab/t\tab\r\nnew.deb",
            "pool/main/ü/über/über_1.0_all.deb");
    FileRecord link =
        new FileRecord(
            "dists/stable",
            8,
            1_700_000_000_000L,
            Hashes.of(HashAlgorithm.MD5, MD5),
            FileState.PUBLISHED,
            3,
            4,
            "bookworm");
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    try (RocksIndex index = RocksIndex.open(tmp.resolve("old"));
        Index.Batch batch = index.batch()) {
      for (int i = 0; i < paths.size(); i++) batch.put(record(paths.get(i), i));
      batch.put(link);
      batch.putReferences("dists/bookworm", Set.of(paths.get(0), paths.get(2)));
      batch.putReferences("extras/dists/fremantle", Set.of(paths.get(3)));
      batch.putPublishedWithout("dists/bookworm", Set.of("pool/main/m/missing_1_all.deb"));
      batch.markForDeletion(paths.get(1), 1_700_000_000_999L);
      batch.putValidators(
          "http://old-host/dists/bookworm/InRelease",
          new UpstreamValidators("\"5f3a-61c\"", "Sat, 05 Dec 2026 10:00:00 GMT"));
      batch.putValidators("http://old-host/extras/Release", new UpstreamValidators(null, "x\ty"));
      batch.commit();
      IndexSnapshot.write(index, copy);
    }

    try (RocksIndex loaded = RocksIndex.open(tmp.resolve("new"))) {
      long files = IndexSnapshot.load(new ByteArrayInputStream(copy.toByteArray()), loaded);
      assertThat(files).isEqualTo(paths.size() + 1);
      for (int i = 0; i < paths.size(); i++) {
        assertThat(loaded.file(paths.get(i))).as(paths.get(i)).contains(record(paths.get(i), i));
      }
      assertThat(loaded.file("dists/stable")).contains(link);
      assertThat(loaded.suites()).containsExactly("dists/bookworm", "extras/dists/fremantle");
      assertThat(loaded.references("dists/bookworm")).contains(Set.of(paths.get(0), paths.get(2)));
      assertThat(loaded.publishedWithout("dists/bookworm"))
          .containsExactly("pool/main/m/missing_1_all.deb");
      assertThat(loaded.pendingDeletes()).isEqualTo(Map.of(paths.get(1), 1_700_000_000_999L));
      assertThat(loaded.validators("http://old-host/dists/bookworm/InRelease"))
          .contains(new UpstreamValidators("\"5f3a-61c\"", "Sat, 05 Dec 2026 10:00:00 GMT"));
      assertThat(loaded.validators("http://old-host/extras/Release"))
          .as("one the upstream did not send stays unsent")
          .contains(new UpstreamValidators(null, "x\ty"));
    }
  }

  @Test
  void aCopyOfAnotherFormatIsRefusedAndLoadsNothing() throws Exception {
    ByteArrayOutputStream other = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(other)) {
      gz.write("repomirror-index 2\nf\tAAAA\tpool/a.deb\n".getBytes(StandardCharsets.UTF_8));
    }
    try (RocksIndex index = RocksIndex.open(tmp.resolve("db"))) {
      assertThatThrownBy(
              () -> IndexSnapshot.load(new ByteArrayInputStream(other.toByteArray()), index))
          .isInstanceOf(IndexException.class)
          .hasMessageContaining("not a copy of an index this version reads");
      List<String> any = new ArrayList<>();
      index.forEachPath("", any::add);
      assertThat(any).isEmpty();
      assertThat(index.suites()).isEmpty();
    }
  }

  @Test
  void aCopyCutShortIsRefused() throws Exception {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    try (RocksIndex index = RocksIndex.open(tmp.resolve("old"));
        Index.Batch batch = index.batch()) {
      for (int i = 0; i < 100; i++) batch.put(record("pool/p" + i + ".deb", i));
      batch.commit();
      IndexSnapshot.write(index, copy);
    }
    byte[] cut = java.util.Arrays.copyOf(copy.toByteArray(), copy.size() / 2);
    try (RocksIndex index = RocksIndex.open(tmp.resolve("new"))) {
      assertThatThrownBy(() -> IndexSnapshot.load(new ByteArrayInputStream(cut), index))
          .isInstanceOf(IndexException.class)
          .hasMessageContaining("malformed");
      assertThat(index.suites()).as("no suite: the next run loads a copy again").isEmpty();
    }
  }

  private static FileRecord record(String path, int i) {
    return new FileRecord(
        path,
        1000 + i,
        1_700_000_000_000L + i,
        new Hashes(Map.of(HashAlgorithm.SHA256, "ab".repeat(32), HashAlgorithm.MD5, MD5)),
        FileState.PUBLISHED,
        7,
        1_700_000_000_123L);
  }
}
