package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * left alone when the index has not changed.
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

      assertThat(ManifestPublisher.publish(tree, index, p -> p.startsWith("project/"))).isTrue();
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
      assertThat(ManifestPublisher.publish(tree, index, p -> p.startsWith("project/")))
          .as("nothing changed: the same bytes, so the file stays")
          .isFalse();
      assertThat(Files.getLastModifiedTime(published).toMillis()).isEqualTo(modified);
    }
  }

  private static FileRecord record(String path, long i, Hashes hashes, String linkTarget) {
    return new FileRecord(
        path, i, 1_700_000_000_000L + i, hashes, FileState.PUBLISHED, 1, 1, linkTarget);
  }
}
