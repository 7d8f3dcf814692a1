package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
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
import org.repomirror.run.Ticker;
import org.repomirror.store.LocalTree;
import org.repomirror.store.PublishedTree;
import org.repomirror.testing.FakeIndex;
import org.repomirror.testing.FaultyFileStore;

/** Publication with an index in memory and a filesystem whose renames can fail. */
class PublicationTest {
  @TempDir Path tmp;

  private Path root() {
    return tmp.resolve("mirror");
  }

  private PublishedTree.Staged stage(String path, String content) throws IOException {
    Path staged = tmp.resolve("staging").resolve(path);
    Files.createDirectories(staged.getParent());
    Files.writeString(staged, content);
    return new PublishedTree.Staged(staged, path);
  }

  private static FileRecord record(String path, String content) {
    return new FileRecord(
        path,
        content.length(),
        0,
        Hashes.of(
            HashAlgorithm.SHA256,
            java.util.HexFormat.of()
                .formatHex(
                    HashAlgorithm.SHA256
                        .newDigest()
                        .digest(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)))),
        FileState.PUBLISHED,
        1,
        1);
  }

  private Publication suite() throws IOException {
    Publication p = new Publication();
    p.metadata(stage("dists/s/InRelease", "signed"), record("dists/s/InRelease", "signed"));
    p.metadata(stage("dists/s/main/Packages.xz", "idx"), record("dists/s/main/Packages.xz", "idx"));
    p.content(stage("pool/a.deb", "deb"), record("pool/a.deb", "deb"));
    p.metadata(stage("dists/s/Release", "rel"), record("dists/s/Release", "rel"));
    p.alsoRecord(b -> b.putReferences("dists/s", java.util.Set.of("pool/a.deb")));
    return p;
  }

  @Test
  void contentGoesFirstThenIndexesThenReleaseFilesThenOneBatch() throws Exception {
    FakeIndex index = new FakeIndex();
    FaultyFileStore files = new FaultyFileStore(0);
    suite().carryOut(index, new LocalTree(root(), tmp.resolve("staging"), files, Ticker.SYSTEM));
    assertThat(files.moved())
        .extracting(p -> root().relativize(p).toString())
        .containsExactly(
            "pool/a.deb", "dists/s/main/Packages.xz", "dists/s/Release", "dists/s/InRelease");
    assertThat(index.file("dists/s/InRelease")).isPresent();
    assertThat(index.references("dists/s")).hasValue(java.util.Set.of("pool/a.deb"));
    assertThat(index.intents()).isEmpty();
    assertThat(index.commits()).as("the intents, then one batch").isEqualTo(2);
  }

  @Test
  void aRenameThatFailsLeavesTheOldReleaseVisibleAndTheIntentsToRecover() throws Exception {
    Files.createDirectories(root().resolve("dists/s"));
    Files.writeString(root().resolve("dists/s/InRelease"), "old");
    FakeIndex index = new FakeIndex();
    FaultyFileStore files = new FaultyFileStore(3); // the third rename: the Release
    assertThatThrownBy(
            () ->
                suite()
                    .carryOut(
                        index, new LocalTree(root(), tmp.resolve("staging"), files, Ticker.SYSTEM)))
        .hasMessageContaining("No space left on device");
    assertThat(Files.readString(root().resolve("dists/s/InRelease")))
        .as("no new Release is visible before all it lists")
        .isEqualTo("old");
    assertThat(root().resolve("pool/a.deb")).exists();
    assertThat(index.file("pool/a.deb")).as("nothing recorded but intents").isEmpty();
    assertThat(index.intents()).extracting(FileRecord::path).contains("pool/a.deb");

    int recovered =
        PublishIntents.recover(
            new LocalTree(root(), tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM),
            index,
            42);
    assertThat(recovered).as("the pool file and the index that made it").isEqualTo(2);
    assertThat(index.file("pool/a.deb")).isPresent();
    assertThat(index.pendingDeletes())
        .as("published but referenced by nothing yet: it waits to be wanted")
        .containsKeys("pool/a.deb", "dists/s/main/Packages.xz");
    assertThat(index.intents()).isEmpty();
  }

  @Test
  void aDiscardedPublicationLeavesNothingStaged() throws Exception {
    Publication p = suite();
    p.discard(new LocalTree(root(), tmp.resolve("staging"), new FaultyFileStore(0), Ticker.SYSTEM));
    try (var left = Files.walk(tmp.resolve("staging"))) {
      assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
    }
    assertThat(root()).doesNotExist();
  }

  @Test
  void linksAppearWholeBesideTheContent() throws Exception {
    FakeIndex index = new FakeIndex();
    Publication p = new Publication();
    FileRecord link =
        new FileRecord(
            "sdk/latest",
            7,
            1000,
            Hashes.of(HashAlgorithm.SHA256, "1".repeat(64)),
            FileState.PUBLISHED,
            1,
            1,
            "sdk.tgz");
    p.link(new PublishedTree.Link("sdk/latest", "sdk.tgz", 1000), link);
    p.carryOut(
        index,
        new LocalTree(root(), tmp.resolve("staging"), new FaultyFileStore(0), Ticker.SYSTEM));
    assertThat(Files.readSymbolicLink(root().resolve("sdk/latest"))).isEqualTo(Path.of("sdk.tgz"));
    assertThat(index.file("sdk/latest")).hasValue(link);
    try (var dir = Files.list(root().resolve("sdk"))) {
      assertThat(dir.map(x -> x.getFileName().toString()).toList()).containsExactly("latest");
    }
    assertThat(List.of(link)).isEqualTo(p.records());
  }
}
