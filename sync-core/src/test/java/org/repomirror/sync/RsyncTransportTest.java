package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.fs.StagingNames;
import org.repomirror.index.Index;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.run.FileAction;
import org.repomirror.run.Ticker;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.source.rsync.RsyncUpstream;
import org.repomirror.testing.RsyncDaemon;
import org.repomirror.testing.Sshd;
import org.repomirror.testing.TreeSnapshot;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.RsyncLister;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;

/**
 * A sync over a real rsync daemon is verified as one over HTTP: rsync moves the bytes, the signed
 * metadata decides whether they are right.
 */
class RsyncTransportTest {
  private static final String DEB = "pool/main/h/hello/hello_2.10-3_amd64.deb";
  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  private Path upstream() throws Exception {
    Path root = tmp.resolve("old-host");
    SampleRepository.modern(root, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 300_000)
        .add("tzdata", "2026a-1", "all", "main", 1000)
        .write();
    return root;
  }

  private SyncReport sync(RsyncDaemon daemon, Path mirror) throws Exception {
    return sync(daemon.uri(), "ssh", mirror);
  }

  private SyncReport sync(URI upstream, String rsh, Path mirror) throws Exception {
    try (Index index = Index.open(mirror.resolve(".repomirror/index"));
        RsyncUpstream source =
            new RsyncUpstream(
                upstream,
                new MirrorLayout(mirror).rsyncWork(),
                mirror,
                new RsyncUpstream.Settings(rsh, Duration.ofSeconds(10), 4, 0),
                Ticker.SYSTEM)) {
      return new SyncEngine(
              mirror,
              source,
              index,
              new ReleaseVerifier(Keyring.of(key.publicKeyring()), false),
              TestSyncOptions.of(
                  List.of("dists/stable"),
                  true,
                  Duration.ofHours(1),
                  1000,
                  4,
                  3,
                  Transfer.MismatchPolicy.STRICT),
              Clock.systemUTC())
          .run();
    }
  }

  @Test
  void mirrorsAnAptRepositoryByteForByte() throws Exception {
    Path root = upstream();
    Path mirror = tmp.resolve("mirror");
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp)) {
      SyncReport report = sync(daemon, mirror);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      Map<String, String> upstreamFiles = TreeSnapshot.of(root, 1000);
      Map<String, String> mirrored = TreeSnapshot.of(mirror, 1000);
      assertThat(mirrored).containsAllEntriesOf(upstreamFiles);
      SyncReport again = sync(daemon, mirror);
      assertThat(again.totals().filesFetched()).as("a second sync has nothing to fetch").isZero();
    }
  }

  /** Over ssh, with rsync at both ends, as the seed's own migration ran. */
  @Test
  void mirrorsOverSsh() throws Exception {
    Path root = upstream();
    Path mirror = tmp.resolve("mirror");
    try (Sshd sshd = Sshd.start(tmp)) {
      SyncReport report = sync(sshd.uri(root), sshd.rsh(), mirror);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      assertThat(TreeSnapshot.of(mirror, 1000)).containsAllEntriesOf(TreeSnapshot.of(root, 1000));
      assertThat(report.totals().filesFetched()).isPositive();

      // Batch mode: a host key ssh has not seen fails the run in ssh's words, never waits.
      SyncReport refused =
          sync(sshd.uri(root), "ssh -o UserKnownHostsFile=/dev/null", tmp.resolve("mirror-2"));
      assertThat(refused.outcome()).isNotEqualTo(RunOutcome.OK);
      assertThat(refused.summary()).containsIgnoringCase("host key verification failed");
    }
  }

  /**
   * A pool file damaged on the old host, its size and mtime kept, so that rsync itself sees nothing
   * wrong: fetched again from scratch, then quarantined; the suite's new metadata is held back and
   * nothing of the run is served.
   */
  @Test
  void aFileDamagedUpstreamIsCaughtAndNothingWrongIsPublished() throws Exception {
    Path root = upstream();
    Path deb = root.resolve(DEB);
    FileTime mtime = Files.getLastModifiedTime(deb);
    try (RandomAccessFile f = new RandomAccessFile(deb.toFile(), "rw")) {
      f.seek(150_000);
      int b = f.read();
      f.seek(150_000);
      f.write(b ^ 0xff);
    }
    Files.setLastModifiedTime(deb, mtime);
    Path mirror = tmp.resolve("mirror");
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp)) {
      SyncReport report = sync(daemon, mirror);
      assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
      assertThat(report.failures())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.path()).isEqualTo(DEB);
                assertThat(f.action()).isEqualTo(FileAction.QUARANTINED);
              });
      assertThat(mirror.resolve(".repomirror/quarantine/" + DEB)).hasSameBinaryContentAs(deb);
      assertThat(mirror.resolve(DEB)).doesNotExist();
      assertThat(mirror.resolve("dists/stable/InRelease")).as("metadata held back").doesNotExist();
    }
  }

  /**
   * rsync's copy lands under its staged name and is hashed there. A crash between the two leaves a
   * file staged that nothing verified: the next run hashes it again, and fetches it anew when it is
   * not the file the index lists, so a wrong file is never published.
   */
  @Test
  void aFileStagedButNotYetVerifiedWhenTheRunDiedIsHashedAgain() throws Exception {
    Path root = upstream();
    Path mirror = tmp.resolve("mirror");
    Path staged = StagingNames.of(new MirrorLayout(mirror).staging(), DEB);
    Files.createDirectories(staged.getParent());
    byte[] wrong = Files.readAllBytes(root.resolve(DEB));
    wrong[150_000] ^= (byte) 0xff;
    Files.write(staged, wrong);
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp)) {
      SyncReport report = sync(daemon, mirror);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      assertThat(mirror.resolve(DEB)).hasSameBinaryContentAs(root.resolve(DEB));
      assertThat(mirror.resolve(".repomirror/quarantine")).doesNotExist();
    }
  }

  /**
   * A tree pass hands its files to rsync as soon as the listing names them, not a chunk at a time:
   * each run of rsync costs a connection and a dozen round trips before its first file, so its runs
   * should be few and long. With 4 runs at once and only the two chunks out (2,000 files), no run
   * could carry more than 500.
   */
  @Test
  void aTreeFromAnRsyncDaemonTravelsInRunsLongerThanItsChunksAllow() throws Exception {
    Path root = tmp.resolve("old-host");
    int files = 8000;
    for (int i = 0; i < files; i++) {
      Path f = root.resolve("area/d" + i % 16 + "/file " + i + "+~%.bin");
      Files.createDirectories(f.getParent());
      Files.writeString(f, "file " + i);
    }
    Path mirror = tmp.resolve("mirror");
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp);
        Index index = Index.open(mirror.resolve(".repomirror/index"));
        RsyncUpstream source =
            new RsyncUpstream(
                daemon.uri(),
                new MirrorLayout(mirror).rsyncWork(),
                mirror,
                new RsyncUpstream.Settings("ssh", Duration.ofSeconds(10), 4, 0),
                Ticker.SYSTEM)) {
      SyncReport report =
          new SyncEngine(
                  mirror,
                  source,
                  index,
                  null,
                  TestSyncOptions.of(
                      List.of(),
                      false,
                      Duration.ofHours(1),
                      1000,
                      4,
                      3,
                      Transfer.MismatchPolicy.STRICT),
                  Clock.systemUTC())
              .mirrorTree(new RsyncLister(source))
              .run();
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      assertThat(TreeSnapshot.of(mirror, 1000)).containsAllEntriesOf(TreeSnapshot.of(root, 1000));
      List<Integer> runs = daemon.filesSentPerConnection();
      assertThat(runs.stream().mapToInt(Integer::intValue).sum()).isEqualTo(files);
      assertThat(runs).as("files each run of rsync carried").anyMatch(n -> n > 500);
    }
  }
}
