package org.repomirror.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.fs.FileStore;
import org.repomirror.run.Ticker;
import org.repomirror.testing.PassThroughFileStore;

/**
 * How the local tree makes what it places durable: a batch by two flushes of the filesystem (one
 * before its renames, one after), a few files by a fsync each and one per folder. Runs on the real
 * filesystem; the file store only records the calls, in order.
 */
class LocalTreeDurabilityTest {
  @TempDir Path tmp;

  /** The real filesystem, every durability call and rename recorded in order. */
  private static final class Recording extends PassThroughFileStore {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final boolean canFlush;
    final boolean flushFails;

    Recording(boolean canFlush, boolean flushFails) {
      this.canFlush = canFlush;
      this.flushFails = flushFails;
    }

    long count(String call) {
      synchronized (calls) {
        return calls.stream().filter(call::equals).count();
      }
    }

    @Override
    public boolean syncFilesystem(Path folder) throws IOException {
      if (flushFails) throw new IOException("flushing the filesystem of " + folder + ": EIO");
      if (!canFlush) return false;
      calls.add("flush");
      return super.syncFilesystem(folder);
    }

    @Override
    public void fsync(Path file) throws IOException {
      calls.add("fsync");
      super.fsync(file);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
      calls.add("fsync folder");
      super.fsyncDirectory(dir);
    }

    @Override
    public void moveAtomically(Path from, Path to) throws IOException {
      calls.add("rename");
      super.moveAtomically(from, to);
    }
  }

  private LocalTree tree(FileStore files) {
    return new LocalTree(tmp.resolve("root"), tmp.resolve("staging"), files, Ticker.SYSTEM);
  }

  /** Files staged under three folders, named by their index. */
  private List<PublishedTree.Staged> stage(int files) throws IOException {
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    List<PublishedTree.Staged> staged = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      Path s = Files.writeString(staging.resolve("f" + i), "file " + i);
      staged.add(new PublishedTree.Staged(s, "pool/d" + (i % 3) + "/f" + i));
    }
    return staged;
  }

  private void assertPlaced(int files) throws IOException {
    for (int i = 0; i < files; i++) {
      assertThat(tmp.resolve("root/pool/d" + (i % 3) + "/f" + i)).hasContent("file " + i);
    }
  }

  @Test
  void aBatchIsFlushedWholeBeforeItsFirstRenameAndAgainAfterItsLast() throws Exception {
    Recording files = new Recording(true, false);
    int n = LocalTree.FLUSH_BATCH + 24;
    tree(files).placeContent(stage(n));
    assertPlaced(n);
    List<String> expected = new ArrayList<>();
    expected.add("flush");
    expected.addAll(Collections.nCopies(n, "rename"));
    expected.add("flush");
    assertThat(files.calls).as("no fsync a file or a folder").isEqualTo(expected);
  }

  @Test
  void aFewFilesAreFsyncedEachThenTheirFoldersAndNothingIsFlushed() throws Exception {
    Recording files = new Recording(true, false);
    int n = LocalTree.FLUSH_BATCH - 1;
    tree(files).placeContent(stage(n));
    assertPlaced(n);
    assertThat(files.count("flush")).isZero();
    assertThat(files.count("fsync")).isEqualTo(n);
    assertThat(files.count("fsync folder")).as("the three folders").isEqualTo(3);
    assertThat(files.calls.subList(0, n))
        .as("every fsync before the first rename")
        .allMatch("fsync"::equals);
  }

  @Test
  void whereTheSystemCannotFlushABatchIsFsyncedFileByFile() throws Exception {
    Recording files = new Recording(false, false);
    int n = LocalTree.FLUSH_BATCH + 4;
    tree(files).placeContent(stage(n));
    assertPlaced(n);
    assertThat(files.count("fsync")).isEqualTo(n);
    assertThat(files.count("fsync folder")).isEqualTo(3);
    assertThat(files.calls.subList(0, n)).allMatch("fsync"::equals);
  }

  @Test
  void aFlushThatFailsPlacesNothingAndLeavesTheBatchStaged() throws Exception {
    Recording files = new Recording(true, true);
    List<PublishedTree.Staged> staged = stage(LocalTree.FLUSH_BATCH);
    assertThatThrownBy(() -> tree(files).placeContent(staged))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("EIO");
    assertThat(files.count("rename")).isZero();
    assertThat(tmp.resolve("root/pool")).doesNotExist();
    for (PublishedTree.Staged s : staged) assertThat(s.staged()).exists();
  }

  @Test
  void theRealFlushWorksHereAndNamesAFolderItCannotOpen() throws Exception {
    assertThat(FileStore.SYSTEM.syncFilesystem(tmp)).as("syncfs(2) on Linux").isTrue();
    Path absent = tmp.resolve("absent");
    assertThatThrownBy(() -> FileStore.SYSTEM.syncFilesystem(absent))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(absent.toString())
        .hasMessageContaining("errno 2");
  }
}
