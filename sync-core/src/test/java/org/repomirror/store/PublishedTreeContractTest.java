package org.repomirror.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.repomirror.fs.FileStore;
import org.repomirror.plan.DiskView;
import org.repomirror.run.Ticker;
import org.repomirror.store.s3.S3Store;
import org.repomirror.testing.FailingWrites;
import org.repomirror.testing.FaultyFileStore;
import org.repomirror.testing.ObjectStore;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What every published tree guarantees, whatever it stores files in: the sync's crash,
 * write-failure and consistency properties, held against the port. Each implementation can be made
 * to fail its n-th write: a full disk under the local tree, a store that refuses a write under the
 * bucket (a real Ceph RGW, whose client fails the write before it is sent).
 */
class PublishedTreeContractTest {
  @TempDir Path tmp;

  /** Makes an implementation over a folder, the same tree each time for the same folder. */
  interface Maker {
    /**
     * @param failingWrite the write that fails, counted from 1; 0 for none
     */
    PublishedTree make(Path dir, int failingWrite) throws Exception;
  }

  private static final Map<Path, String> BUCKETS = new ConcurrentHashMap<>();

  static Stream<Named<Maker>> trees() {
    return Stream.of(
        Named.of("local", PublishedTreeContractTest::local),
        Named.of(
            "bucket",
            (dir, failingWrite) -> {
              ObjectStore store = ObjectStore.shared();
              String bucket = BUCKETS.computeIfAbsent(dir, d -> store.newBucket());
              S3Client client =
                  failingWrite > 0 ? store.client(new FailingWrites(failingWrite)) : store.client();
              return new S3Store(URI.create("s3://" + bucket + "/mirror"), null, null, true, null)
                  .tree(client, dir.resolve("staging"), dir.resolve("catalog"));
            }));
  }

  private static LocalTree local(Path dir, int failingWrite) {
    FileStore files = failingWrite > 0 ? new FaultyFileStore(failingWrite) : FileStore.SYSTEM;
    return new LocalTree(dir.resolve("root"), dir.resolve("staging"), files, Ticker.SYSTEM);
  }

  private static PublishedTree.Staged stage(PublishedTree tree, String path, String content)
      throws IOException {
    Path staged = tree.staging().resolve(path.replace('/', '_'));
    Files.createDirectories(staged.getParent());
    Files.writeString(staged, content);
    return new PublishedTree.Staged(staged, path);
  }

  private static String read(PublishedTree tree, String path) throws IOException {
    return new String(tree.read(path).orElseThrow(), StandardCharsets.UTF_8);
  }

  /** A suite's dists folder at generation {@code id}: a Release and the index it lists. */
  private static void generation(PublishedTree tree, long id) throws IOException {
    tree.switchGeneration(
        "dists/s",
        id,
        List.of(
            stage(tree, "dists/s/main/Packages", "packages of " + id),
            stage(tree, "dists/s/Release", "release of " + id)));
  }

  @ParameterizedTest
  @MethodSource("trees")
  void placedContentIsReadWholeFromItsPathAndLeavesStaging(Maker make) throws Exception {
    PublishedTree tree = make.make(tmp, 0);
    PublishedTree.Staged deb = stage(tree, "pool/main/h/hello/hello.deb", "a package");
    Files.setLastModifiedTime(deb.staged(), FileTime.fromMillis(1_700_000_000_123L));
    tree.placeContent(List.of(deb));
    assertThat(read(tree, "pool/main/h/hello/hello.deb")).isEqualTo("a package");
    assertThat(make.make(tmp, 0).stat("pool/main/h/hello/hello.deb"))
        .as("as a tree made afresh finds it")
        .hasValue(new DiskView.OnDisk(true, 9, 1_700_000_000_123L));
    assertThat(deb.staged()).doesNotExist();
    assertThat(tree.read("pool/absent.deb")).isEmpty();
    assertThat(tree.exists("pool/absent.deb")).isFalse();
  }

  @ParameterizedTest
  @MethodSource("trees")
  void namesWithSignsSpacesAndNonAsciiRoundTrip(Maker make) throws Exception {
    List<String> names =
        List.of(
            "pool/main/libs/libstdc++6/libstdc++6_12.2.0-14~deb12u1_amd64.deb",
            "downloads/release notes 100% (final).txt",
            "downloads/Nokia N900 – käyttöohje.pdf",
            "downloads/time 12:00 [1]*?.txt");
    PublishedTree tree = make.make(tmp, 0);
    List<PublishedTree.Staged> staged = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) staged.add(stage(tree, names.get(i), "file " + i));
    tree.placeContent(staged);
    PublishedTree fresh = make.make(tmp, 0);
    for (int i = 0; i < names.size(); i++) {
      assertThat(read(fresh, names.get(i))).as(names.get(i)).isEqualTo("file " + i);
      assertThat(fresh.stat(names.get(i))).as(names.get(i)).isPresent();
    }
  }

  @ParameterizedTest
  @MethodSource("trees")
  void anEmptyFileIsPlacedAsOne(Maker make) throws Exception {
    PublishedTree tree = make.make(tmp, 0);
    tree.placeContent(List.of(stage(tree, "project/empty", "")));
    assertThat(tree.read("project/empty")).hasValue(new byte[0]);
    assertThat(tree.stat("project/empty"))
        .hasValueSatisfying(
            s -> {
              assertThat(s.regularFile()).isTrue();
              assertThat(s.size()).isZero();
            });
    assertThat(make.make(tmp, 0).linkTarget("project/empty")).as("not a link").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("trees")
  void aFullDiskWhilePlacingMetadataShowsNoReleaseBeforeWhatItLists(Maker make) throws Exception {
    generation(make.make(tmp, 0), 1);
    PublishedTree failing = make.make(tmp, 1);
    List<PublishedTree.Staged> metadata =
        List.of(
            stage(failing, "dists/t/Release", "new release"),
            stage(failing, "dists/t/main/Packages", "new packages"));
    assertThatThrownBy(() -> failing.placeMetadata(metadata))
        .hasMessageContaining("No space left on device");
    assertThat(failing.exists("dists/t/Release"))
        .as("the index is placed first, and its placing failed: no Release")
        .isFalse();
    assertThat(read(failing, "dists/s/Release")).isEqualTo("release of 1");
  }

  @ParameterizedTest
  @MethodSource("trees")
  void aSwitchShowsTheWholeOldGenerationOrTheWholeNewToReadersMeanwhile(Maker make)
      throws Exception {
    PublishedTree tree = make.make(tmp, 0);
    generation(tree, 1);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<String> wrong = new ArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (!done.get()) {
                    try {
                      String release = read(tree, "dists/s/Release");
                      seen.add(release);
                      if (!release.matches("release of \\d+")) wrong.add(release);
                      reads.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                      synchronized (wrong) {
                        wrong.add(e.toString());
                      }
                    }
                  }
                });
    for (long id = 2; id <= 30; id++) generation(tree, id);
    done.set(true);
    reader.join(10_000);
    assertThat(wrong).as("never a partial Release, never none").isEmpty();
    assertThat(reads.get()).isPositive();
    assertThat(tree.currentGeneration("dists/s")).hasValue(30L);
    assertThat(read(tree, "dists/s/main/Packages")).isEqualTo("packages of 30");
    assertThat(tree.keptGenerations("dists/s")).contains(1L, 29L, 30L);
  }

  @ParameterizedTest
  @MethodSource("trees")
  void aSwitchThatFailsLeavesTheServedGenerationAndRecoveringClearsWhatItLeft(Maker make)
      throws Exception {
    generation(make.make(tmp, 0), 1);
    PublishedTree failing = make.make(tmp, 2);
    assertThatThrownBy(() -> generation(failing, 2)).hasMessageContaining("No space left");
    PublishedTree tree = make.make(tmp, 0);
    assertThat(tree.currentGeneration("dists/s")).hasValue(1L);
    assertThat(read(tree, "dists/s/Release")).isEqualTo("release of 1");
    assertThat(tree.recoverGenerations()).as("the half-made generation 2").isPositive();
    assertThat(tree.keptGenerations("dists/s")).containsExactly(1L);
    generation(tree, 3);
    assertThat(read(tree, "dists/s/Release")).isEqualTo("release of 3");
  }

  @ParameterizedTest
  @MethodSource("trees")
  void retiringAGenerationKeepsTheServedOne(Maker make) throws Exception {
    PublishedTree tree = make.make(tmp, 0);
    generation(tree, 1);
    generation(tree, 2);
    assertThat(tree.suitesWithGenerations()).containsExactly("dists/s");
    tree.retireGeneration("dists/s", 1);
    assertThat(tree.keptGenerations("dists/s")).containsExactly(2L);
    assertThat(read(tree, "dists/s/Release")).isEqualTo("release of 2");
  }

  @ParameterizedTest
  @MethodSource("trees")
  void deletingAFileTakesItAndNoOther(Maker make) throws Exception {
    PublishedTree tree = make.make(tmp, 0);
    tree.placeContent(
        List.of(
            stage(tree, "pool/main/n/newcomer/newcomer.deb", "gone soon"),
            stage(tree, "pool/main/h/hello/hello.deb", "stays")));
    assertThat(tree.exists("pool/main/n/newcomer/newcomer.deb")).isTrue();
    tree.delete(List.of("pool/main/n/newcomer/newcomer.deb"));
    assertThat(tree.exists("pool/main/n/newcomer/newcomer.deb")).isFalse();
    assertThat(make.make(tmp, 0).exists("pool/main/n/newcomer/newcomer.deb"))
        .as("gone for a tree made afresh too")
        .isFalse();
    assertThat(read(tree, "pool/main/h/hello/hello.deb")).isEqualTo("stays");
  }

  @Test
  void deletingAFileTakesTheFoldersItLeavesEmptyAndNoOthers() throws Exception {
    LocalTree tree = local(tmp, 0);
    tree.placeContent(
        List.of(
            stage(tree, "pool/main/n/newcomer/newcomer.deb", "gone soon"),
            stage(tree, "pool/main/h/hello/hello.deb", "stays")));
    assertThat(tree.folderMtime("pool/main/n/newcomer")).isPresent();
    tree.delete(List.of("pool/main/n/newcomer/newcomer.deb"));
    assertThat(tree.folderMtime("pool/main/n")).as("left empty, so deleted").isEmpty();
    assertThat(tree.folderMtime("pool/main")).as("holds h/").isPresent();
    assertThat(tree.folderMtime("pool/main/h/hello/hello.deb")).as("a file").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("trees")
  void aDiscardedFileLeavesStagingAndNeverAppears(Maker make) throws Exception {
    PublishedTree tree = make.make(tmp, 0);
    PublishedTree.Staged s = stage(tree, "pool/unwanted.deb", "x");
    tree.discard(s.staged());
    assertThat(s.staged()).doesNotExist();
    assertThat(tree.exists("pool/unwanted.deb")).isFalse();
  }

  @ParameterizedTest
  @MethodSource("trees")
  void linksAppearWholeAndNameTheirTarget(Maker make) throws Exception {
    PublishedTree tree = make.make(tmp, 0);
    tree.placeContent(List.of(stage(tree, "sdk/sdk-1.tgz", "sdk")));
    tree.placeLinks(
        List.of(
            new PublishedTree.Link("sdk/latest", "sdk-1.tgz", -1),
            new PublishedTree.Link("sdk/manual", "docs/käyttöohje – 100% + more.pdf", -1)));
    assertThat(tree.linkTarget("sdk/latest")).hasValue("sdk-1.tgz");
    assertThat(make.make(tmp, 0).linkTarget("sdk/manual"))
        .hasValue("docs/käyttöohje – 100% + more.pdf");
    assertThat(tree.stat("sdk/latest"))
        .hasValueSatisfying(s -> assertThat(s.regularFile()).as("not followed").isFalse());
  }

  private static String content(ServedTree.Resolved r) throws IOException {
    assertThat(r).isInstanceOf(ServedTree.RegularFile.class);
    return Files.readString(((ServedTree.RegularFile) r).path());
  }

  @Test
  void theServerReadsWhatTheSyncPlacedAndNothingHidden() throws Exception {
    LocalTree tree = local(tmp, 0);
    tree.placeContent(
        List.of(
            stage(tree, "pool/main/h/hello/hello.deb", "a package"),
            stage(tree, "pool/main/h/hello/.half-made", "hidden")));
    ServedTree.Resolved deb = tree.resolve("pool/main/h/hello/hello.deb");
    assertThat(content(deb)).isEqualTo("a package");
    assertThat(((ServedTree.RegularFile) deb).size()).isEqualTo(9);
    assertThat(tree.resolve("pool/main/h/hello/absent.deb")).isEqualTo(ServedTree.MISSING);
    ServedTree.Resolved folder = tree.resolve("pool/main/h/hello");
    assertThat(folder).isInstanceOf(ServedTree.Directory.class);
    assertThat(tree.list((ServedTree.Directory) folder))
        .extracting(ServedTree.Entry::name, ServedTree.Entry::size)
        .as("the hidden file is not listed")
        .containsExactly(org.assertj.core.groups.Tuple.tuple("hello.deb", 9L));
  }

  @Test
  void aLinkIsFollowedOnlyInsideTheTree() throws Exception {
    LocalTree tree = local(tmp, 0);
    Files.writeString(tmp.resolve("secret"), "outside");
    generation(tree, 1);
    tree.placeContent(List.of(stage(tree, "sdk/sdk-1.tgz", "sdk")));
    tree.placeLinks(
        List.of(
            new PublishedTree.Link("sdk/latest", "sdk-1.tgz", -1),
            new PublishedTree.Link("sdk/escape", "../../secret", -1),
            new PublishedTree.Link(
                "sdk/state", "../.repomirror/generations/dists%2Fs/1/Release", -1)));
    assertThat(tmp.resolve("root/sdk/state")).as("the target exists").exists();
    assertThat(content(tree.resolve("sdk/latest"))).isEqualTo("sdk");
    assertThat(tree.resolve("sdk/escape")).isEqualTo(ServedTree.MISSING);
    assertThat(tree.resolve("sdk/state")).isEqualTo(ServedTree.MISSING);
  }

  @Test
  void theServerReadsEachKeptGenerationAsItWasPublished() throws Exception {
    LocalTree tree = local(tmp, 0);
    tree.placeContent(List.of(stage(tree, "pool/a.deb", "a")));
    assertThat(tree.generation("dists/s")).as("no generation yet").isEmpty();
    generation(tree, 1);
    generation(tree, 2);
    assertThat(tree.generation("dists/s")).hasValue(2);
    assertThat(content(tree.resolve("dists/s/Release"))).isEqualTo("release of 2");
    assertThat(content(tree.inGeneration("dists/s", 1, "Release").orElseThrow()))
        .isEqualTo("release of 1");
    assertThat(content(tree.inGeneration("dists/s", 1, "main/Packages").orElseThrow()))
        .isEqualTo("packages of 1");
    assertThat(tree.inGeneration("dists/s", 1, "main/Sources")).hasValue(ServedTree.MISSING);
    assertThat(tree.inGeneration("dists/s", 1, "main")).as("a folder: the tree answers").isEmpty();
    assertThat(tree.generationsKept()).isEqualTo(2);
    tree.retireGeneration("dists/s", 1);
    assertThat(tree.hasGeneration("dists/s", 1)).isFalse();
    assertThat(tree.hasGeneration("dists/s", 2)).isTrue();
    assertThat(tree.generationsKept()).isEqualTo(1);
  }
}
