package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.fs.FileStore;
import org.repomirror.run.Ticker;
import org.repomirror.store.LocalTree;
import org.repomirror.store.PublishedTree;
import org.repomirror.testing.FakeIndex;
import org.repomirror.testing.RecordingLedger;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Transfer;

/**
 * The pool's files as the transfer verifies them: held until every index is read, then new paths
 * published at once and marked until a suite wants them, replacements kept for their suites.
 */
class PoolPublisherTest {
  @TempDir Path tmp;

  private PublishedTree tree() {
    return new LocalTree(
        tmp.resolve("mirror"), tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM);
  }

  private FetchOutcome.Fetched fetched(String path) throws Exception {
    Path staged = tmp.resolve("staging").resolve(path.replace('/', '_'));
    Files.createDirectories(staged.getParent());
    Files.writeString(staged, path);
    Hashes hashes =
        Hashes.of(
            HashAlgorithm.SHA256,
            HashAlgorithm.SHA256.hex(path.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return new FetchOutcome.Fetched(
        new FetchTask(path, path, new ExpectedFile(path, path.length(), hashes)),
        staged,
        path.length(),
        hashes,
        1_000_000,
        path.length(),
        1);
  }

  private static FetchOutcome.Missing missing(String path) {
    return new FetchOutcome.Missing(
        new FetchTask(path, path, new ExpectedFile(path, 10, null)), "http://u/" + path, 404);
  }

  @Test
  void nothingIsPublishedBeforeTheReleaseAndThenOnlyWhatMayGoAtOnce() throws Exception {
    FakeIndex index = new FakeIndex();
    PoolPublisher pool =
        new PoolPublisher(
            index, tree(), new RecordingLedger(), Transfer.MismatchPolicy.STRICT, 7, Ticker.SYSTEM);
    pool.offer(fetched("pool/new.deb"));
    pool.offer(fetched("pool/replaced.deb"));
    pool.offer(missing("pool/gone.deb"));
    Thread.sleep(200); // the publishing thread has seen them all by now
    assertThat(tmp.resolve("mirror/pool/new.deb"))
        .as("held: the indexes are not all read")
        .doesNotExist();

    pool.release(path -> path.equals("pool/new.deb"));
    Transferred t = pool.finish(true);

    assertThat(Files.readString(tmp.resolve("mirror/pool/new.deb"))).isEqualTo("pool/new.deb");
    assertThat(index.file("pool/new.deb")).isPresent();
    assertThat(index.pendingDeletes())
        .as("published, and wanted by no published suite yet")
        .containsEntry("pool/new.deb", 7L);
    assertThat(t.deferred()).containsOnlyKeys("pool/replaced.deb");
    assertThat(tmp.resolve("mirror/pool/replaced.deb")).doesNotExist();
    assertThat(t.failed()).containsOnlyKeys("pool/gone.deb");
    assertThat(t.fetched()).isEqualTo(Set.of("pool/new.deb", "pool/replaced.deb"));
  }

  @Test
  void aTransferThatEndsBeforeTheReleasePublishesNothing() throws Exception {
    FakeIndex index = new FakeIndex();
    PoolPublisher pool =
        new PoolPublisher(
            index, tree(), new RecordingLedger(), Transfer.MismatchPolicy.STRICT, 7, Ticker.SYSTEM);
    FetchOutcome.Fetched f = fetched("pool/new.deb");
    pool.offer(f);
    pool.finish(false);
    assertThat(tmp.resolve("mirror/pool/new.deb")).doesNotExist();
    assertThat(f.staged()).as("kept, verified, for the next run").exists();
    assertThat(index.file("pool/new.deb")).isEmpty();
  }
}
