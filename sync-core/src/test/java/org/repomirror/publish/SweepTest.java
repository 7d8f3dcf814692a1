package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.fs.FileStore;
import org.repomirror.index.Index;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.run.Ticker;
import org.repomirror.store.LocalTree;
import org.repomirror.store.PublishedTree;
import org.repomirror.testing.FakeIndex;
import org.repomirror.testing.RecordingLedger;

/** The deletion sweep on a real tree: what is due goes, with its empty folders; a guard holds. */
class SweepTest {
  private static final Duration GRACE = Duration.ofHours(1);
  private static final long HOUR = GRACE.toMillis();

  @TempDir Path tmp;

  private PublishedTree tree() {
    return new LocalTree(
        tmp.resolve("mirror"), tmp.resolve("staging"), FileStore.SYSTEM, Ticker.SYSTEM);
  }

  private void place(String... paths) throws IOException {
    for (String path : paths) {
      Path file = tmp.resolve("mirror").resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, path);
    }
  }

  private static void markedAt(Index index, long since, String... paths) {
    try (Index.Batch batch = index.batch()) {
      for (String p : paths) batch.markForDeletion(p, since);
      batch.commit();
    }
  }

  @Test
  void filesPastTheirGraceGoWithTheFoldersTheyLeaveEmptyAndTheRestWait() throws Exception {
    place("pool/main/o/old/old.deb", "pool/main/h/hello/hello.deb", "pool/main/y/young/young.deb");
    FakeIndex index = new FakeIndex();
    markedAt(index, 0, "pool/main/o/old/old.deb");
    markedAt(index, 2 * HOUR, "pool/main/y/young/young.deb");
    RecordingLedger ledger = new RecordingLedger();

    DeletionPolicy.Sweep swept =
        new Sweep(index, tree(), ledger, GRACE, 100).run(Set.of(), 2 * HOUR + 1);

    assertThat(swept.delete()).containsExactly("pool/main/o/old/old.deb");
    assertThat(ledger.deleted).containsExactly("pool/main/o/old/old.deb");
    assertThat(tmp.resolve("mirror/pool/main/o")).as("left empty: gone").doesNotExist();
    assertThat(tmp.resolve("mirror/pool/main/h/hello/hello.deb")).exists();
    assertThat(tmp.resolve("mirror/pool/main/y/young/young.deb")).as("within its grace").exists();
    assertThat(index.pendingDeletes()).containsOnlyKeys("pool/main/y/young/young.deb");
  }

  @Test
  void aPathTheRunStillWantsIsKeptAndUnmarked() throws Exception {
    place("pool/main/b/back/back.deb");
    FakeIndex index = new FakeIndex();
    markedAt(index, 0, "pool/main/b/back/back.deb");
    DeletionPolicy.Sweep swept =
        new Sweep(index, tree(), new RecordingLedger(), GRACE, 100)
            .run(Set.of("pool/main/b/back/back.deb"), 10 * HOUR);
    assertThat(swept.delete()).isEmpty();
    assertThat(tmp.resolve("mirror/pool/main/b/back/back.deb")).exists();
    assertThat(index.pendingDeletes()).isEmpty();
  }

  @Test
  void moreDueThanMaxDeleteDeletesNothingAndSaysSo() throws Exception {
    place("pool/a.deb", "pool/b.deb", "pool/c.deb");
    FakeIndex index = new FakeIndex();
    markedAt(index, 0, "pool/a.deb", "pool/b.deb", "pool/c.deb");
    RecordingLedger ledger = new RecordingLedger();
    DeletionPolicy.Sweep swept =
        new Sweep(index, tree(), ledger, GRACE, 2).run(Set.of(), 10 * HOUR);
    assertThat(swept.guardTripped()).isTrue();
    assertThat(ledger.deleted).isEmpty();
    for (String p : List.of("a", "b", "c")) {
      assertThat(tmp.resolve("mirror/pool/" + p + ".deb")).exists();
    }
    assertThat(ledger.warnings)
        .containsExactly(
            "3 files are due for deletion, more than max-delete (2); nothing was deleted. Check"
                + " the upstream, then raise --max-delete.");
    assertThat(index.pendingDeletes()).as("still due next time").hasSize(3);
  }
}
