package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.fs.FileStore;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.index.Index;
import org.repomirror.run.Ticker;
import org.repomirror.store.LocalTree;
import org.repomirror.store.PublishedTree;
import org.repomirror.tree.format.Manifest;
import org.repomirror.tree.format.TreeEntry;

/**
 * The manifest, made from a real index in members on several cores: every record with a SHA-256 and
 * not excluded, in path order, across many members; read back by Java and by the real gzip; and
 * left alone when the index has not changed. Patched while the index names every change since the
 * manifest it marked, the same bytes as one written whole; written whole when it cannot name them.
 */
class ManifestPublisherTest {
  @TempDir Path tmp;

  @Test
  void listsEveryRecordInPathOrderAcrossMembersAndIsReplacedOnlyWhenItChanges() throws Exception {
    Files.createDirectories(tmp.resolve("staging"));
    PublishedTree tree =
        new LocalTree(
            tmp.resolve("mirror"), tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM);
    List<TreeEntry> expected = new ArrayList<>();
    try (Index index = Index.open(tmp.resolve("index"));
        Index.Batch batch = index.batch()) {
      // More records than three members hold; the index returns them in byte order of the path.
      for (int i = 0; i < 10_000; i++) {
        String path = "pool/%04d/p%%a ü+%d.deb".formatted(i, i);
        String sha = HashAlgorithm.SHA256.hex(path.getBytes(StandardCharsets.UTF_8));
        batch.put(record(path, i, Hashes.of(HashAlgorithm.SHA256, sha), null));
        expected.add(TreeEntry.file(path, i, 1_700_000_000_000L + i, sha));
      }
      String linkSha = HashAlgorithm.SHA256.hex("pool".getBytes(StandardCharsets.UTF_8));
      batch.put(record("stable", 4, Hashes.of(HashAlgorithm.SHA256, linkSha), "pool"));
      expected.add(
          new TreeEntry(
              "stable", TreeEntry.Type.SYMLINK, 4, 1_700_000_000_004L, 1, linkSha, "pool"));
      batch.put(record("only-md5", 1, Hashes.of(HashAlgorithm.MD5, "0".repeat(32)), null));
      batch.put(record("project/own", 1, Hashes.of(HashAlgorithm.SHA256, "1".repeat(64)), null));
      batch.commit();

      assertThat(ManifestPublisher.publish(tree, index, p -> p.startsWith("project/")).changed())
          .isTrue();
      List<TreeEntry> read = new ArrayList<>();
      try (InputStream in = new GZIPInputStream(tree.open(Manifest.PATH))) {
        Manifest.read(in, read::add);
      }
      assertThat(read).isEqualTo(expected);
      Path published = tmp.resolve("mirror").resolve(Manifest.PATH);
      Process gzip = new ProcessBuilder("gzip", "-t", published.toString()).start();
      assertThat(gzip.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(gzip.exitValue()).as("gzip -t's exit code").isZero();

      long modified = Files.getLastModifiedTime(published).toMillis();
      assertThat(ManifestPublisher.publish(tree, index, p -> p.startsWith("project/")).changed())
          .as("nothing changed: the same bytes, so the file stays")
          .isFalse();
      assertThat(Files.getLastModifiedTime(published).toMillis()).isEqualTo(modified);
    }
  }

  private static FileRecord record(String path, long i, Hashes hashes, String linkTarget) {
    return new FileRecord(
        path, i, 1_700_000_000_000L + i, hashes, FileState.PUBLISHED, 1, 1, linkTarget);
  }

  @Test
  void isPatchedWhileTheIndexNamesEveryChangeAndWrittenWholeOtherwise() throws Exception {
    Files.createDirectories(tmp.resolve("staging"));
    PublishedTree tree =
        new LocalTree(
            tmp.resolve("mirror"), tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM);
    Path manifest = tmp.resolve("mirror").resolve(Manifest.PATH);
    Path indexDir = tmp.resolve("index");
    try (Index index = Index.open(indexDir)) {
      try (Index.Batch batch = index.batch()) {
        for (int i = 0; i < 3_000; i++) batch.put(file("pool/%04d/p%%ü.deb".formatted(i), i, 1));
        batch.commit();
      }
      assertThat(publish(tree, index)).isEqualTo(new ManifestPublisher.Published(true, false));

      try (Index.Batch batch = index.batch()) {
        for (int i = 0; i < 3_000; i += 300)
          batch.put(file("pool/%04d/p%%ü.deb".formatted(i), i, 2));
        for (int i = 7; i < 3_000; i += 700) batch.delete("pool/%04d/p%%ü.deb".formatted(i));
        batch
            .put(file("a first", 1, 1))
            .put(file("pool/0100/p%\tnew", 1, 1))
            .put(file("zz last", 1, 1));
        batch.put(file("project/own", 1, 1));
        batch.put(record("only-md5", 1, Hashes.of(HashAlgorithm.MD5, "0".repeat(32)), null));
        batch.commit();
      }
      assertThat(publish(tree, index)).isEqualTo(new ManifestPublisher.Published(true, true));
      assertThat(Files.readAllBytes(manifest)).isEqualTo(whole(index));
      assertThat(publish(tree, index))
          .as("nothing changed since")
          .isEqualTo(new ManifestPublisher.Published(false, true));
    }

    // A handle that changed a record and ended before the manifest (a crash in between).
    try (Index index = Index.open(indexDir);
        Index.Batch batch = index.batch()) {
      batch.put(file("pool/0001/p%ü.deb", 1, 3)).commit();
    }
    try (Index index = Index.open(indexDir)) {
      assertThat(publish(tree, index)).isEqualTo(new ManifestPublisher.Published(true, false));
      assertThat(Files.readAllBytes(manifest)).isEqualTo(whole(index));
    }

    // The mark outlives the handle that set it; a manifest replaced by another hand does not.
    try (Index index = Index.open(indexDir)) {
      try (Index.Batch batch = index.batch()) {
        batch.delete("a first").commit();
      }
      assertThat(publish(tree, index)).isEqualTo(new ManifestPublisher.Published(true, true));
      assertThat(Files.readAllBytes(manifest)).isEqualTo(whole(index));
      Files.copy(tmp.resolve("whole-1.gz"), manifest, StandardCopyOption.REPLACE_EXISTING);
      try (Index.Batch batch = index.batch()) {
        batch.delete("zz last").commit();
      }
      assertThat(publish(tree, index)).isEqualTo(new ManifestPublisher.Published(true, false));
      assertThat(Files.readAllBytes(manifest)).isEqualTo(whole(index));
    }
  }

  private static ManifestPublisher.Published publish(PublishedTree tree, Index index)
      throws IOException {
    return ManifestPublisher.publish(tree, index, p -> p.startsWith("project/"));
  }

  private int wholes;

  /** The manifest of the index written whole, into a mirror of its own. */
  private byte[] whole(Index index) throws IOException {
    int n = ++wholes;
    Path root = tmp.resolve("whole-" + n);
    Files.createDirectories(root.resolve("staging"));
    PublishedTree other =
        new LocalTree(
            root.resolve("mirror"), root.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM);
    assertThat(publish(other, index).patched()).isFalse();
    Path written = root.resolve("mirror").resolve(Manifest.PATH);
    Files.copy(written, tmp.resolve("whole-" + n + ".gz"), StandardCopyOption.REPLACE_EXISTING);
    return Files.readAllBytes(written);
  }

  private static FileRecord file(String path, long size, int version) {
    String sha = HashAlgorithm.SHA256.hex((path + version).getBytes(StandardCharsets.UTF_8));
    return record(path, size, Hashes.of(HashAlgorithm.SHA256, sha), null);
  }
}
