package org.repomirror.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.fs.FileStore;

/**
 * A server holds what it saw of a mirror's file until the sync's next change, a second at most, and
 * looks at anything else on every request. The clock is the test's: time passes only when it says.
 */
class HeldFilesTest {
  @TempDir Path tmp;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  private LocalTree mirror(Path root) {
    return new LocalTree(
        root, tmp.resolve("staging-" + root.getFileName()), FileStore.SYSTEM, nanos::get);
  }

  private static void place(PublishedTree tree, String path, String content) throws IOException {
    Path staged = tree.staging().resolve(path.replace('/', '_'));
    Files.createDirectories(staged.getParent());
    Files.writeString(staged, content);
    tree.placeContent(List.of(new PublishedTree.Staged(staged, path)));
  }

  /** What another process does: a new file renamed over the old. */
  private static void replaceBehindTheSync(Path file, String content) throws IOException {
    Path next = file.resolveSibling("next");
    Files.writeString(next, content);
    Files.setLastModifiedTime(next, Files.getLastModifiedTime(file));
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String seen(ServedTree tree, String path) throws IOException {
    ServedTree.Resolved r = tree.resolve(path);
    assertThat(r).isInstanceOf(ServedTree.RegularFile.class);
    return Files.readString(((ServedTree.RegularFile) r).path());
  }

  private static Object inode(ServedTree tree, String path) {
    return ((ServedTree.RegularFile) tree.resolve(path)).fileKey();
  }

  @Test
  void aFileTheSyncReplacesIsSeenNewByTheNextRead() throws Exception {
    LocalTree sync = mirror(tmp.resolve("mirror"));
    place(sync, "dists/s/Release", "release one");
    ServedTree server = ServedTree.local(tmp.resolve("mirror"), nanos::get);
    for (int i = 2; i <= 20; i++) {
      Object before = inode(server, "dists/s/Release");
      place(sync, "dists/s/Release", "release " + (i < 10 ? "two" : "ten") + i);
      assertThat(inode(server, "dists/s/Release")).isNotEqualTo(before);
    }
    assertThat(seen(server, "dists/s/Release")).isEqualTo("release ten20");
  }

  @Test
  void aMirrorsFileChangedBehindTheSyncIsHeldASecondAtMost() throws Exception {
    Path root = tmp.resolve("mirror");
    LocalTree sync = mirror(root);
    place(sync, "pool/a.deb", "one");
    ServedTree server = ServedTree.local(root, nanos::get);
    Object first = inode(server, "pool/a.deb");
    replaceBehindTheSync(root.resolve("pool/a.deb"), "two");
    nanos.addAndGet(900_000_000L);
    assertThat(inode(server, "pool/a.deb")).as("held: no look at the disk").isEqualTo(first);
    nanos.addAndGet(200_000_000L);
    assertThat(seen(server, "pool/a.deb")).isEqualTo("two");

    Object second = inode(server, "pool/a.deb");
    replaceBehindTheSync(root.resolve("pool/a.deb"), "three");
    assertThat(inode(server, "pool/a.deb")).isEqualTo(second);
    sync.delete(List.of("pool/unrelated.deb")); // any change of the sync ends every hold
    assertThat(seen(server, "pool/a.deb")).isEqualTo("three");
  }

  @Test
  void aTreeNoSyncKeepsIsLookedAtOnEveryRead() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("plain/pool"));
    Files.writeString(root.resolve("a.deb"), "one");
    ServedTree server = ServedTree.local(tmp.resolve("plain"), nanos::get);
    assertThat(seen(server, "pool/a.deb")).isEqualTo("one");
    replaceBehindTheSync(root.resolve("a.deb"), "two");
    assertThat(seen(server, "pool/a.deb")).isEqualTo("two");
  }

  @Test
  void theMirrorsOfAMirrorListAreFoundInTheRootsFolders() throws Exception {
    Path served = Files.createDirectories(tmp.resolve("served"));
    LocalTree debian = mirror(served.resolve("debian"));
    place(debian, "pool/a.deb", "one");
    Files.createDirectories(served.resolve("notes"));
    Files.writeString(served.resolve("notes/readme"), "hello");
    ServedTree server = ServedTree.local(served, nanos::get);
    Object first = inode(server, "debian/pool/a.deb");
    replaceBehindTheSync(served.resolve("debian/pool/a.deb"), "two");
    assertThat(inode(server, "debian/pool/a.deb")).as("held").isEqualTo(first);
    place(debian, "pool/b.deb", "b");
    assertThat(seen(server, "debian/pool/a.deb")).isEqualTo("two");

    assertThat(seen(server, "notes/readme")).isEqualTo("hello");
    replaceBehindTheSync(served.resolve("notes/readme"), "changed");
    assertThat(seen(server, "notes/readme")).as("in no mirror: looked at").isEqualTo("changed");
  }

  @Test
  void aMirrorSyncedAfterTheServerStartedIsFoundWithinASecond() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("mirror"));
    ServedTree server = ServedTree.local(root, nanos::get);
    LocalTree sync = mirror(root);
    place(sync, "pool/a.deb", "one");
    nanos.addAndGet(1_100_000_000L);
    Object first = inode(server, "pool/a.deb");
    replaceBehindTheSync(root.resolve("pool/a.deb"), "two");
    assertThat(inode(server, "pool/a.deb")).as("the new mirror's files are held").isEqualTo(first);
  }

  @Test
  void theCountIsOddWhileAChangeGoesOnAndEvenAndLargerAfter() throws Exception {
    Path root = tmp.resolve("mirror");
    ChangeCounter.around(root, () -> {});
    ChangeCounter reader = ChangeCounter.forReading(root).orElseThrow();
    long before = reader.count();
    assertThat(ChangeCounter.settled(before)).isTrue();
    long[] during = {0};
    ChangeCounter.around(root, () -> during[0] = reader.count());
    assertThat(ChangeCounter.settled(during[0])).as("a change goes on").isFalse();
    assertThat(during[0]).isGreaterThan(before);
    assertThat(reader.count()).isGreaterThan(during[0]);
    assertThat(ChangeCounter.settled(reader.count())).isTrue();
  }

  @Test
  void aChangeThatFailsStillEndsEvenAndLarger() throws Exception {
    Path root = tmp.resolve("mirror");
    ChangeCounter.around(root, () -> {});
    ChangeCounter reader = ChangeCounter.forReading(root).orElseThrow();
    long before = reader.count();
    assertThatThrownBy(
            () ->
                ChangeCounter.around(
                    root,
                    () -> {
                      throw new IOException("No space left on device");
                    }))
        .hasMessageContaining("No space");
    assertThat(reader.count()).isGreaterThan(before);
    assertThat(ChangeCounter.settled(reader.count())).isTrue();
  }
}
