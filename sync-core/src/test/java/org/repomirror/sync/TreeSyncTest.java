package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.index.Index;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.report.TraceFile;
import org.repomirror.source.HttpUpstream;
import org.repomirror.source.LocalUpstream;
import org.repomirror.testing.FaultyFileStore;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.TreeSnapshot;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.AutoindexLister;
import org.repomirror.tree.DirectoryLister;
import org.repomirror.tree.TreeOutcome;
import org.repomirror.tree.format.Manifest;
import org.repomirror.tree.format.TreeEntry;

/** Tree mode from a local directory, with a real RocksDB and real files. */
class TreeSyncTest {
  private static final Duration GRACE = Duration.ofHours(1);
  private static final String HOST = TestSyncOptions.HOST;

  @TempDir Path tmp;

  private Path upstream() {
    return tmp.resolve("old-host");
  }

  private Path mirror() {
    return tmp.resolve("mirror");
  }

  /**
   * A tree like repository.maemo.org's: release notes, an SDK tarball, Nokia binaries under hashed
   * paths, names with + ~ % and spaces, symbolic links inside the tree and some that leave it.
   */
  private void oldHost() throws IOException {
    Random random = new Random(7);
    write("index.html", "<html>maemo</html>".getBytes(), 1_300_000_000_123L);
    write("releases/fremantle/notes.html", "release notes".getBytes(), 1_260_000_000_456L);
    write("releases/fremantle/content comparison.html", "<table/>".getBytes(), 1_260_000_001_000L);
    write("sdk/maemo-sdk_5.0+r1~beta.tar.gz", bytes(random, 300_000), 1_250_000_000_789L);
    write("nokia-binaries/ab/cd/0123abcd/flasher 3.5%20+x.bin", bytes(random, 70_000), 1L);
    write("notes/100%.txt", "all of it".getBytes(), 1_400_000_000_000L);
    write("dists/frozen/Release", "Suite: frozen\n".getBytes(), 1_270_000_000_000L);
    link("sdk/latest", "maemo-sdk_5.0+r1~beta.tar.gz");
    link("current-notes", "releases/fremantle");
    link("escape", "../../etc");
    link("absolute", "/etc/passwd");
    write(".htaccess", "Deny from all".getBytes(), 1L);
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private void write(String path, byte[] content, long mtimeMillis) throws IOException {
    Path p = upstream().resolve(path);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    Files.setLastModifiedTime(p, FileTime.fromMillis(mtimeMillis));
  }

  private void link(String path, String target) throws IOException {
    Path p = upstream().resolve(path);
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, Path.of(target));
  }

  private SyncReport sync(Clock clock, int maxDelete) throws Exception {
    return sync(clock, maxDelete, false);
  }

  private SyncReport sync(Clock clock, int maxDelete, boolean checksums) throws Exception {
    try (Index index = Index.open(mirror().resolve(".repomirror/index"))) {
      SyncOptions options =
          TestSyncOptions.of(
              List.of(), false, GRACE, maxDelete, 4, 3, Transfer.MismatchPolicy.STRICT);
      return new SyncEngine(mirror(), new LocalUpstream(upstream()), index, null, options, clock)
          .mirrorTree(new DirectoryLister(upstream(), 4, checksums))
          .run();
    }
  }

  private SyncReport sync() throws Exception {
    return sync(Clock.systemUTC(), 1000);
  }

  /** The upstream as the mirror should hold it: no hidden files, no links that leave the tree. */
  private Map<String, String> expected() throws IOException {
    Map<String, String> want = TreeSnapshot.of(upstream(), 1);
    want.remove("escape");
    want.remove("absolute");
    return want;
  }

  @Test
  void aDirectoryTreeIsMirroredByteForByteWithLinksAndMtimes() throws Exception {
    oldHost();
    SyncReport first = sync();
    assertThat(first.outcome()).as(first.summary()).isEqualTo(RunOutcome.OK);
    assertThat(TreeSnapshot.of(mirror(), 1)).isEqualTo(expected()).containsKey("sdk/latest");
    assertThat(first.tree().outcome()).isEqualTo(TreeOutcome.MIRRORED);
    assertThat(first.tree().from().verification()).isEqualTo("size-mtime");
    assertThat(first.tree().moved().links()).isEqualTo(2);
    assertThat(first.tree().seen().skipped()).isEqualTo(3); // two escaping links and .htaccess
    assertThat(first.tree().unmirrored().notMirrored())
        .anyMatch(n -> n.path().equals("escape") && n.reason().contains("leaves the tree"))
        .anyMatch(n -> n.path().equals("absolute"))
        .anyMatch(n -> n.path().equals(".htaccess"))
        .hasSize(3);
    assertThat(mirror().resolve(".htaccess")).doesNotExist();
    assertThat(
            Files.getLastModifiedTime(mirror().resolve("sdk/latest"), LinkOption.NOFOLLOW_LINKS)
                .toMillis())
        .as("a link keeps its own mtime, to the millisecond")
        .isEqualTo(
            Files.getLastModifiedTime(upstream().resolve("sdk/latest"), LinkOption.NOFOLLOW_LINKS)
                .toMillis());

    SyncReport again = sync();
    assertThat(again.outcome()).as(again.summary()).isEqualTo(RunOutcome.OK);
    assertThat(again.tree().moved().fetched()).isZero();
    assertThat(again.tree().seen().unchanged())
        .isEqualTo(again.tree().seen().listed())
        .isEqualTo(9);

    write("notes/100%.txt", "all of it, revised".getBytes(), 1_400_000_100_000L);
    write("sdk/new tool+1~2.tar.gz", "new".getBytes(), 1_400_000_200_000L);
    SyncReport changed = sync();
    assertThat(changed.tree().moved().fetched()).as(changed.summary()).isEqualTo(2);
    assertThat(TreeSnapshot.of(mirror(), 1)).isEqualTo(expected());
  }

  @Test
  void theManifestAndTraceDescribeTheMirror() throws Exception {
    oldHost();
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);
    List<TreeEntry> entries = new ArrayList<>();
    try (var in =
        new GZIPInputStream(
            new ByteArrayInputStream(Files.readAllBytes(mirror().resolve(Manifest.PATH))))) {
      Manifest.read(in, entries::add);
    }
    assertThat(entries).extracting(TreeEntry::path).containsAll(expected().keySet());
    TreeEntry sdk =
        entries.stream().filter(e -> e.path().equals("sdk/latest")).findFirst().orElseThrow();
    assertThat(sdk.linkTarget()).isEqualTo("maemo-sdk_5.0+r1~beta.tar.gz");
    TreeEntry notes =
        entries.stream().filter(e -> e.path().equals("index.html")).findFirst().orElseThrow();
    assertThat(notes.mtimeMillis()).isEqualTo(1_300_000_000_123L);
    assertThat(notes.sha256()).hasSize(64);

    FileTime before = Files.getLastModifiedTime(mirror().resolve(Manifest.PATH));
    Thread.sleep(20);
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);
    assertThat(Files.getLastModifiedTime(mirror().resolve(Manifest.PATH)))
        .as("an unchanged tree keeps its manifest, so a downstream gets a 304")
        .isEqualTo(before);

    TraceFile trace =
        TraceFile.parse(Files.readString(mirror().resolve(TraceFile.DIRECTORY + HOST)));
    assertThat(trace.fields())
        .containsEntry("Running on host", HOST)
        .containsKeys(
            "Date", "Date-Started", "Creator", "Upstream-mirror", "Total time spent in sync");
    assertThat(trace.fields().get("Upstream-mirror")).startsWith("file:");
  }

  @Test
  void deletionsWaitForTheGracePeriodAndTheGuardStopsAMassDeletion() throws Exception {
    oldHost();
    for (int i = 0; i < 5; i++) write("bulk/file" + i, ("x" + i).getBytes(), 1_000_000L * i);
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);

    Files.delete(upstream().resolve("releases/fremantle/notes.html"));
    SyncReport marked = sync();
    assertThat(marked.tree().seen().markedForDeletion()).isEqualTo(1);
    assertThat(mirror().resolve("releases/fremantle/notes.html")).as("grace period").exists();

    Clock later = Clock.offset(Clock.systemUTC(), GRACE.plusMinutes(1));
    SyncReport swept = sync(later, 1000);
    assertThat(swept.totals().filesDeleted()).isEqualTo(1);
    assertThat(mirror().resolve("releases/fremantle/notes.html")).doesNotExist();
    assertThat(TreeSnapshot.of(mirror(), 1)).isEqualTo(expected());

    for (int i = 0; i < 5; i++) Files.delete(upstream().resolve("bulk/file" + i));
    assertThat(sync().tree().seen().markedForDeletion()).isEqualTo(5);
    Clock evenLater = Clock.offset(Clock.systemUTC(), GRACE.plusMinutes(2));
    SyncReport guarded = sync(evenLater, 2);
    assertThat(guarded.outcome()).isEqualTo(RunOutcome.PROBLEMS);
    assertThat(guarded.totals().filesDeleted()).isZero();
    assertThat(guarded.warnings()).anyMatch(w -> w.contains("max-delete"));
    assertThat(mirror().resolve("bulk/file3")).exists();
  }

  @Test
  void aFileGoneWhileAnotherAppearsIsStillMarkedForDeletion() throws Exception {
    oldHost();
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);
    // As many files listed as the index held, but one of them new: the deletions still find the
    // one gone.
    Files.move(
        upstream().resolve("releases/fremantle/notes.html"),
        upstream().resolve("releases/fremantle/notes-v2.html"));
    SyncReport renamed = sync();
    assertThat(renamed.tree().seen().markedForDeletion()).isEqualTo(1);
    assertThat(renamed.tree().moved().fetched()).isEqualTo(1);
    write("extra/new.txt", "new".getBytes(), 1_000_000L);
    SyncReport added = sync();
    assertThat(added.outcome()).isEqualTo(RunOutcome.OK);
    assertThat(added.tree().seen().markedForDeletion()).as("no record newly gone").isZero();
    assertThat(mirror().resolve("extra/new.txt")).hasContent("new");
    SyncReport swept = sync(Clock.offset(Clock.systemUTC(), GRACE.plusMinutes(1)), 1000);
    assertThat(swept.totals().filesDeleted()).isEqualTo(1);
    assertThat(mirror().resolve("releases/fremantle/notes.html")).doesNotExist();
    assertThat(mirror().resolve("releases/fremantle/notes-v2.html")).exists();
  }

  @Test
  void aFileReappearingBeforeItsGraceEndsIsKept() throws Exception {
    oldHost();
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);
    Path notes = upstream().resolve("notes/100%.txt");
    byte[] content = Files.readAllBytes(notes);
    FileTime mtime = Files.getLastModifiedTime(notes);
    Files.delete(notes);
    assertThat(sync().tree().seen().markedForDeletion()).isEqualTo(1);
    Files.write(notes, content);
    Files.setLastModifiedTime(notes, mtime);
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);
    SyncReport later = sync(Clock.offset(Clock.systemUTC(), GRACE.plusMinutes(1)), 1000);
    assertThat(later.totals().filesDeleted()).isZero();
    assertThat(mirror().resolve("notes/100%.txt")).exists();
  }

  @Test
  void withChecksumsAChangeThatKeepsSizeAndMtimeIsFound() throws Exception {
    oldHost();
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);
    Path notes = upstream().resolve("releases/fremantle/notes.html");
    FileTime mtime = Files.getLastModifiedTime(notes);
    Files.writeString(notes, "NOTES RELEASE"); // same length, same mtime
    Files.setLastModifiedTime(notes, mtime);
    assertThat(sync().tree().moved().fetched()).as("size and mtime cannot tell").isZero();

    SyncReport summed = sync(Clock.systemUTC(), 1000, true);
    assertThat(summed.tree().from().verification()).isEqualTo("source-sha256");
    assertThat(summed.tree().moved().fetched()).isEqualTo(1);
    assertThat(mirror().resolve("releases/fremantle/notes.html")).hasContent("NOTES RELEASE");
    assertThat(TreeSnapshot.of(mirror(), 1)).isEqualTo(expected());
  }

  @Test
  void damageBehindOurBackIsRepairedByTheNextSync() throws Exception {
    oldHost();
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);
    Files.delete(mirror().resolve("index.html"));
    Files.write(mirror().resolve("notes/100%.txt"), "tampered".getBytes());
    SyncReport repaired = sync();
    assertThat(repaired.tree().moved().fetched()).isEqualTo(2);
    assertThat(TreeSnapshot.of(mirror(), 1)).isEqualTo(expected());
  }

  /**
   * More files than one batch of index lookups per lister thread, in folders of different sizes, so
   * that full batches and the rest left at the end are both decided: nothing is missed or decided
   * twice, and damage among them is still found.
   */
  @Test
  void aTreeOfManyBatchesIsDecidedFileByFile() throws Exception {
    Random random = new Random(7);
    int files = 0;
    for (int folder = 0; folder < 12; folder++) {
      for (int i = 0; i < 40 + folder * 60; i++, files++) {
        write(
            "area/f" + folder + "/file-" + i,
            bytes(random, 1 + random.nextInt(64)),
            1_600_000_000_000L + i);
      }
    }
    SyncReport first = sync();
    assertThat(first.outcome()).as(first.summary()).isEqualTo(RunOutcome.OK);
    assertThat(first.tree().moved().fetched()).isEqualTo(files).isGreaterThan(4 * 256);
    SyncReport again = sync();
    assertThat(again.tree().seen().listed()).isEqualTo(files);
    assertThat(again.tree().seen().unchanged()).isEqualTo(files);
    assertThat(again.tree().moved().fetched()).isZero();
    Files.delete(mirror().resolve("area/f11/file-600"));
    write("area/f3/file-7", "changed".getBytes(), 1_700_000_000_000L);
    SyncReport repaired = sync();
    assertThat(repaired.tree().moved().fetched()).isEqualTo(2);
    assertThat(repaired.tree().seen().unchanged()).isEqualTo(files - 2);
    assertThat(TreeSnapshot.of(mirror(), 1)).isEqualTo(TreeSnapshot.of(upstream(), 1));
  }

  private SyncReport sync(FaultyFileStore files) throws Exception {
    try (Index index = Index.open(mirror().resolve(".repomirror/index"))) {
      SyncOptions options =
          TestSyncOptions.of(List.of(), false, GRACE, 1000, 4, 3, Transfer.MismatchPolicy.STRICT);
      return new SyncEngine(
              mirror(), new LocalUpstream(upstream()), index, null, options, Clock.systemUTC())
          .withFileStore(files)
          .mirrorTree(new DirectoryLister(upstream(), 4))
          .run();
    }
  }

  /**
   * Syncs with nothing to do (it asserts so) and says how many stats found a mirrored file (the
   * mirror's own outputs aside).
   */
  private int fileStatsOfANoChangeSync() throws Exception {
    FaultyFileStore counting = new FaultyFileStore(0);
    SyncReport report = sync(counting);
    assertThat(report.tree().seen().unchanged()).as(report.summary()).isEqualTo(9);
    assertThat(report.tree().moved().fetched()).isZero();
    return (int)
        counting.fileStats().stream()
            .filter(p -> !SyncEngine.ownOutput(mirror().relativize(p).toString()))
            .count();
  }

  /** Time passes: every folder of the mirror (its own state aside) last changed an hour ago. */
  private void ageMirrorFolders() throws IOException {
    FileTime hourAgo = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
    try (var folders = Files.walk(mirror())) {
      for (Path dir : folders.filter(Files::isDirectory).toList()) {
        if (!mirror().relativize(dir).toString().startsWith(".repomirror")) {
          Files.setLastModifiedTime(dir, hourAgo);
        }
      }
    }
  }

  /**
   * A no-change sync stats each folder instead of each file once a run has checked every file of
   * the folder and found the folder as it was: a file deleted or replaced behind the mirror's back
   * changes its folder's mtime and is fetched again; a file rewritten in place is left to verify.
   */
  @Test
  void aFolderProvenUnchangedIsStattedInsteadOfItsFiles() throws Exception {
    oldHost();
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);
    assertThat(fileStatsOfANoChangeSync())
        .as("folders changed within 2 s of the run are not trusted: every file is statted")
        .isEqualTo(7);
    assertThat(fileStatsOfANoChangeSync()).as("nor after a run as quick as that").isEqualTo(7);
    ageMirrorFolders();
    assertThat(fileStatsOfANoChangeSync())
        .as("the run that earns the proofs checks each file")
        .isEqualTo(7);
    assertThat(fileStatsOfANoChangeSync()).as("no file statted once its folder is proven").isZero();

    Files.delete(mirror().resolve("notes/100%.txt"));
    Path sdk = mirror().resolve("sdk/maemo-sdk_5.0+r1~beta.tar.gz");
    Path replacement = mirror().resolve("sdk/.replacement");
    Files.write(replacement, "not the sdk".getBytes());
    Files.setLastModifiedTime(replacement, Files.getLastModifiedTime(sdk));
    Files.move(replacement, sdk, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path notes = mirror().resolve("releases/fremantle/notes.html");
    FileTime notesMtime = Files.getLastModifiedTime(notes);
    Files.write(notes, "NOTES RELEASE".getBytes()); // the same size, in place
    Files.setLastModifiedTime(notes, notesMtime);
    SyncReport repaired = sync();
    assertThat(repaired.tree().moved().fetched())
        .as("the deleted file and the one replaced by a rename, found through their folders")
        .isEqualTo(2);
    assertThat(mirror().resolve("notes/100%.txt")).hasContent("all of it");
    assertThat(sdk).hasSameBinaryContentAs(upstream().resolve("sdk/maemo-sdk_5.0+r1~beta.tar.gz"));
    assertThat(notes).as("rewritten in place: its folder cannot tell").hasContent("NOTES RELEASE");
    try (Index index = Index.open(mirror().resolve(".repomirror/index"))) {
      org.repomirror.verify.VerifyReport verified =
          new org.repomirror.verify.TreeVerifier(
                  org.repomirror.store.PublishedFiles.inFolder(mirror()), index, null, true, 2)
              .run();
      assertThat(verified.problems())
          .as("verify finds the drift the folders cannot")
          .extracting(org.repomirror.verify.VerifyReport.Problem::path)
          .containsExactly("releases/fremantle/notes.html");
    }
  }

  @Test
  void anUnreadableFolderProofProvesNothing() throws Exception {
    oldHost();
    assertThat(sync().outcome()).isEqualTo(RunOutcome.OK);
    try (Index index = Index.open(mirror().resolve(".repomirror/index"));
        Index.Batch batch = index.batch()) {
      batch.putMeta("proven-folder/notes", "not a number").commit(); // as the index keeps it
    }
    Files.delete(mirror().resolve("notes/100%.txt"));
    SyncReport next = sync();
    assertThat(next.outcome()).as(next.summary()).isEqualTo(RunOutcome.OK);
    assertThat(next.tree().moved().fetched()).isEqualTo(1);
    assertThat(mirror().resolve("notes/100%.txt")).hasContent("all of it");
  }

  /**
   * A chunk is published on a thread of its own while the next is fetched. When its rename fails (a
   * full disk), the run ends with that failure: no later chunk is renamed into place, and the next
   * run finishes the job from the intents left behind.
   */
  @Test
  void aChunkThatFailsToPublishEndsTheRunAndNoLaterChunkIsPublished() throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 3500; i++) {
      write("area/f" + i % 7 + "/file-" + i, bytes(random, 1 + random.nextInt(32)), 1_600_000_000L);
    }
    FaultyFileStore failing = new FaultyFileStore(1500); // in the second chunk of a thousand
    try (Index index = Index.open(mirror().resolve(".repomirror/index"))) {
      SyncOptions options =
          TestSyncOptions.of(List.of(), false, GRACE, 1000, 4, 3, Transfer.MismatchPolicy.STRICT);
      SyncEngine engine =
          new SyncEngine(
                  mirror(), new LocalUpstream(upstream()), index, null, options, Clock.systemUTC())
              .withFileStore(failing)
              .mirrorTree(new DirectoryLister(upstream(), 4));
      assertThatThrownBy(engine::run).hasStackTraceContaining("No space left on device");
    }
    assertThat(failing.moved())
        .as("the first chunk and the second's renames before the failure, none of the third")
        .hasSize(1499);
    Map<String, String> published = TreeSnapshot.of(mirror(), 1);
    Map<String, String> upstream = TreeSnapshot.of(upstream(), 1);
    assertThat(published).hasSize(1499);
    published.forEach(
        (path, content) -> assertThat(content).as(path).isEqualTo(upstream.get(path)));
    SyncReport next = sync();
    assertThat(next.outcome()).as(next.summary()).isEqualTo(RunOutcome.OK);
    assertThat(TreeSnapshot.of(mirror(), 1)).isEqualTo(upstream);
  }

  /**
   * One slow file must not hold back the files after its chunk: while the old host holds the answer
   * to the first file, the sync goes on asking for the next chunk's files (more than a chunk's
   * thousand in all). Released, every file is published byte for byte.
   */
  @Test
  void aSlowFileDoesNotHoldBackTheNextChunk() throws Exception {
    Random random = new Random(13);
    int files = 2500;
    for (int i = 0; i < files; i++) {
      write("area/file-" + (10_000 + i), bytes(random, 1 + random.nextInt(64)), 1_600_000_000L);
    }
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ScriptedUpstream old = new ScriptedUpstream(upstream());
        HttpUpstream http = new HttpUpstream(old.uri(), Duration.ofSeconds(30), 8);
        Index index = Index.open(mirror().resolve(".repomirror/index"))) {
      old.holdFirst(p -> p.endsWith("/file-10000"), reached, release);
      SyncOptions options =
          TestSyncOptions.of(List.of(), false, GRACE, 1000, 8, 3, Transfer.MismatchPolicy.STRICT);
      SyncEngine engine =
          new SyncEngine(mirror(), http, index, null, options, Clock.systemUTC())
              .mirrorTree(new AutoindexLister(http, 4));
      CompletableFuture<SyncReport> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return engine.run();
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      assertThat(reached.await(30, TimeUnit.SECONDS)).as("the first file was asked for").isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long asked = 0;
      while (asked <= 1000 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        asked = old.requests().stream().filter(r -> r.path().contains("/file-")).count();
      }
      release.countDown();
      assertThat(asked)
          .as("files asked for while the first was held: the next chunk's too")
          .isGreaterThan(1000);
      SyncReport report = run.get(60, TimeUnit.SECONDS);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
    }
    assertThat(TreeSnapshot.of(mirror(), 1)).isEqualTo(TreeSnapshot.of(upstream(), 1));
  }

  @Test
  void aFileThatChangesWhileItIsCopiedIsNotPublished() throws Exception {
    oldHost();
    // Listed at one size, then found at another: the copy does not match the listing.
    Path big = upstream().resolve("sdk/maemo-sdk_5.0+r1~beta.tar.gz");
    DirectoryLister lister = new DirectoryLister(upstream(), 1);
    try (Index index = Index.open(mirror().resolve(".repomirror/index"))) {
      SyncOptions options =
          TestSyncOptions.of(List.of(), false, GRACE, 1000, 1, 1, Transfer.MismatchPolicy.STRICT);
      org.repomirror.tree.TreeLister growing =
          new org.repomirror.tree.TreeLister() {
            @Override
            public Result list(
                org.repomirror.index.Index i,
                java.util.function.Consumer<TreeEntry> sink,
                SkipSink skipped)
                throws IOException, InterruptedException {
              Result r = lister.list(i, sink, skipped);
              Files.write(big, new byte[10], java.nio.file.StandardOpenOption.APPEND);
              return r;
            }

            @Override
            public Verification verification() {
              return lister.verification();
            }

            @Override
            public String source() {
              return lister.source();
            }
          };
      SyncReport report =
          new SyncEngine(
                  mirror(), new LocalUpstream(upstream()), index, null, options, Clock.systemUTC())
              .mirrorTree(growing)
              .run();
      assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
      assertThat(report.failures())
          .anyMatch(f -> f.path().equals("sdk/maemo-sdk_5.0+r1~beta.tar.gz"));
      assertThat(mirror().resolve("sdk/maemo-sdk_5.0+r1~beta.tar.gz")).doesNotExist();
      assertThat(mirror().resolve("dists/frozen/Release"))
          .as("dists/ waits until the whole tree is good")
          .doesNotExist();
    }
  }
}
