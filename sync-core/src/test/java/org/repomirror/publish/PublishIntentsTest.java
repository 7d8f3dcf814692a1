package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.fs.FileStore;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.index.Index;
import org.repomirror.run.Ticker;
import org.repomirror.sample.SampleRepository;
import org.repomirror.store.LocalTree;
import org.repomirror.testing.FakeIndex;

class PublishIntentsTest {
  @TempDir Path tmp;

  private static FileRecord record(String path, long size, String sha) {
    return new FileRecord(
        path, size, 1000, Hashes.of(HashAlgorithm.SHA256, sha), FileState.PUBLISHED, 1, 1);
  }

  @Test
  void aCrashAfterTheRenamesIsRecordedAndOneBeforeIsForgotten() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("mirror"));
    Files.createDirectories(root.resolve("pool"));
    Files.writeString(root.resolve("pool/renamed.deb"), "abc");
    Files.writeString(root.resolve("pool/known.deb"), "xyz");
    String a =
        SampleRepository.hex("SHA-256", "abc".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String b =
        SampleRepository.hex("SHA-256", "xyz".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (Index index = Index.open(tmp.resolve("index"))) {
      try (var batch = index.batch()) {
        batch.put(record("pool/known.deb", 3, b));
        batch.commit();
      }
      PublishIntents.declare(
          index,
          List.of(
              record("pool/renamed.deb", 3, a),
              record("pool/never-renamed.deb", 5, a),
              record("pool/known.deb", 3, b)));
      assertThat(index.intents()).hasSize(3);

      assertThat(
              PublishIntents.recover(
                  new LocalTree(root, tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM),
                  index,
                  42))
          .isEqualTo(1);

      assertThat(index.intents()).isEmpty();
      assertThat(index.file("pool/renamed.deb")).isPresent();
      assertThat(index.pendingDeletes()).containsOnlyKeys("pool/renamed.deb");
      assertThat(index.file("pool/never-renamed.deb")).isEmpty();
      assertThat(index.file("pool/known.deb").orElseThrow().hashes().get(HashAlgorithm.SHA256))
          .hasValue(b);
    }
  }

  /**
   * A publication rolled back leaves the old file at the path; when it has the size the intent
   * names, only its checksum tells it is not the new one.
   */
  @Test
  void anOldFileOfTheSameSizeIsNotTakenForTheNewOne() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("mirror/dists/s"));
    Files.writeString(root.resolve("Packages"), "old");
    String newHash =
        SampleRepository.hex("SHA-256", "new".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    FakeIndex index = new FakeIndex();
    PublishIntents.declare(index, List.of(record("dists/s/Packages", 3, newHash)));
    assertThat(
            PublishIntents.recover(
                new LocalTree(
                    tmp.resolve("mirror"), tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM),
                index,
                42))
        .isZero();
    assertThat(index.file("dists/s/Packages")).isEmpty();
    assertThat(index.intents()).isEmpty();
  }
}
