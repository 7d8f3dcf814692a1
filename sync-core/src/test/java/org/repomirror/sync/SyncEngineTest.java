package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.fs.StagingNames;
import org.repomirror.index.FileState;
import org.repomirror.index.Index;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.run.FileAction;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.source.HttpUpstream;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.transfer.Transfer;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;

/** The engine against a real, scriptable HTTP upstream on loopback, with a real RocksDB. */
class SyncEngineTest {
  private static SigningKey key;
  private static SigningKey stranger;

  private static final Duration GRACE = Duration.ofHours(1);

  @TempDir Path tmp;

  @BeforeAll
  static void keys() {
    key = SigningKey.generateRsa("archive <a@example.org>");
    stranger = SigningKey.generateRsa("stranger <s@example.org>");
  }

  private Path upstreamRoot() {
    return tmp.resolve("upstream");
  }

  private Path mirror() {
    return tmp.resolve("mirror");
  }

  private SampleRepository.Suite modernSuite(long seed, boolean extra) throws IOException {
    SampleRepository r =
        SampleRepository.modern(upstreamRoot(), "stable")
            .components("main", "contrib")
            .architectures("amd64")
            .signedBy(key)
            .seed(seed)
            .add("hello", "2.10-3", "amd64", "main", 3000)
            .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 200_000)
            .add("tzdata", "2026a-1", "all", "contrib", 100);
    if (extra) r.add("newcomer", "1.0", "amd64", "main", 5000);
    return r.write();
  }

  private SyncReport sync(
      ScriptedUpstream upstream, SigningKey trusted, String dist, Transfer.MismatchPolicy policy)
      throws Exception {
    return sync(upstream, trusted, dist, policy, Clock.systemUTC(), 1000);
  }

  private SyncReport sync(
      ScriptedUpstream upstream,
      SigningKey trusted,
      String dist,
      Transfer.MismatchPolicy policy,
      Clock clock,
      int maxDelete)
      throws Exception {
    try (Index index = Index.open(mirror().resolve(".repomirror/index"));
        HttpUpstream source = new HttpUpstream(upstream.uri(), Duration.ofSeconds(10), 4)) {
      SyncOptions options = TestSyncOptions.of(List.of(dist), true, GRACE, maxDelete, 4, 4, policy);
      ReleaseVerifier verifier = new ReleaseVerifier(Keyring.of(trusted.publicKeyring()), false);
      return new SyncEngine(mirror(), source, index, verifier, options, clock).run();
    }
  }

  @Test
  void removedFilesGoOnlyAfterTheGracePeriod() throws Exception {
    SampleRepository.Suite first = modernSuite(1, true);
    String newcomer =
        first.packages().stream()
            .filter(p -> p.name().equals("newcomer"))
            .findFirst()
            .orElseThrow()
            .filename();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT).outcome())
          .isEqualTo(RunOutcome.OK);
      List<String> oldByHash = byHash(mirror());
      Thread.sleep(1100);
      Files.delete(upstreamRoot().resolve(newcomer));
      modernSuite(1, false); // the same packages without the newcomer, and a new Release
      SyncReport removed = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(removed.outcome()).as(removed.summary()).isEqualTo(RunOutcome.OK);
      assertThat(mirror().resolve(newcomer)).as("kept during the grace period").exists();

      Clock later = Clock.offset(Clock.systemUTC(), GRACE.plusMinutes(1));
      SyncReport swept =
          sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT, later, 1000);
      assertThat(swept.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.UNCHANGED);
      assertThat(swept.totals().filesDeleted()).isGreaterThanOrEqualTo(1);
      assertThat(mirror().resolve(newcomer)).doesNotExist();
      assertThat(mirror().resolve("pool/main/n"))
          .as("the folders the deletion emptied go with it, as rsync --delete's do")
          .doesNotExist();
      assertThat(emptyFolders(mirror())).isEmpty();
      assertThat(mirror().resolve("pool/main/h/hello/hello_2.10-3_amd64.deb")).exists();
      // Superseded by-hash objects go too; the current ones stay.
      // Content only: an index the upstream rewrote with the same bytes keeps our older mtime.
      assertThat(contents(upstreamRoot())).containsAllEntriesOf(contents(mirror()));
      assertThat(byHash(mirror())).isNotEmpty().doesNotContainAnyElementsOf(oldByHash);
    }
  }

  /** Empty folders of the served tree (the mirror's own state folder aside). */
  private static List<String> emptyFolders(Path root) throws IOException {
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isDirectory)
          .filter(d -> !root.relativize(d).toString().startsWith(".repomirror"))
          .filter(
              d -> {
                try (java.util.stream.Stream<Path> in = Files.list(d)) {
                  return in.findAny().isEmpty();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .map(d -> root.relativize(d).toString())
          .toList();
    }
  }

  @Test
  void theMaxDeleteGuardStopsAMassDeletion() throws Exception {
    modernSuite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT).outcome())
          .isEqualTo(RunOutcome.OK);
      Thread.sleep(1100);
      // A broken upstream: an empty suite.
      SampleRepository.modern(upstreamRoot(), "stable")
          .components("main", "contrib")
          .architectures("amd64")
          .signedBy(key)
          .write();
      assertThat(sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT).outcome())
          .isEqualTo(RunOutcome.OK);
      Clock later = Clock.offset(Clock.systemUTC(), GRACE.plusMinutes(1));
      SyncReport guarded =
          sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT, later, 2);
      assertThat(guarded.outcome()).isEqualTo(RunOutcome.PROBLEMS);
      assertThat(guarded.totals().filesDeleted()).isZero();
      assertThat(guarded.warnings()).anyMatch(w -> w.contains("max-delete"));
      assertThat(mirror().resolve("pool/main/h/hello/hello_2.10-3_amd64.deb")).exists();
    }
  }

  @Test
  void fullSyncIsByteIdenticalAndTheSecondCostsOneRequest() throws Exception {
    SampleRepository.Suite suite = modernSuite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      SyncReport first = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(first.outcome()).as(first.summary()).isEqualTo(RunOutcome.OK);
      assertThat(first.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.PUBLISHED);
      // The Release lists the plain Packages files, which the upstream does not carry.
      assertThat(first.suites().getFirst().listedAbsent()).isNotEmpty();
      assertThat(tree(mirror())).isEqualTo(tree(upstreamRoot()));
      assertThat(first.totals().filesFetched()).isGreaterThanOrEqualTo(suite.packages().size());

      upstream.clearRequests();
      SyncReport second = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(second.outcome()).isEqualTo(RunOutcome.OK);
      assertThat(second.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.UNCHANGED);
      assertThat(upstream.requests()).hasSize(1);
      assertThat(upstream.requests().getFirst().path()).isEqualTo("dists/stable/InRelease");
      assertThat(second.totals().bytesFetched()).isZero();
    }
  }

  @Test
  void upstreamChangesSync() throws Exception {
    modernSuite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT).outcome())
          .isEqualTo(RunOutcome.OK);
      Thread.sleep(1100); // a new second, so Last-Modified moves
      modernSuite(2, true); // every package rebuilt, one added, a new Release
      upstream.clearRequests();
      SyncReport report = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      assertThat(report.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.PUBLISHED);
      assertThat(tree(mirror())).containsAllEntriesOf(tree(upstreamRoot()));
    }
  }

  @Test
  void aCorruptDebIsRetriedQuarantinedAndTheOldMetadataStays() throws Exception {
    modernSuite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT).outcome())
          .isEqualTo(RunOutcome.OK);
      byte[] oldInRelease = Files.readAllBytes(mirror().resolve("dists/stable/InRelease"));
      Thread.sleep(1100);
      SampleRepository.Suite next = modernSuite(2, true);
      String newcomer =
          next.packages().stream()
              .filter(p -> p.name().equals("newcomer"))
              .findFirst()
              .orElseThrow()
              .filename();
      upstream.fail(newcomer, ScriptedUpstream.Fault.CORRUPT, 100);
      upstream.clearRequests();

      SyncReport report = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
      assertThat(report.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.NOT_PUBLISHED);
      assertThat(report.failures())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.path()).isEqualTo(newcomer);
                assertThat(f.action()).isEqualTo(FileAction.QUARANTINED);
                assertThat(f.actualHash()).isNotEqualTo(f.expectedHash());
              });
      assertThat(upstream.requests().stream().filter(r -> r.path().equals(newcomer))).hasSize(2);
      assertThat(mirror().resolve(newcomer)).doesNotExist();
      assertThat(mirror().resolve(".repomirror/quarantine").resolve(newcomer)).exists();
      assertThat(Files.readAllBytes(mirror().resolve("dists/stable/InRelease")))
          .isEqualTo(oldInRelease);
    }
  }

  @Test
  void mirrorAsIsKeepsTheUpstreamBytesAndSaysSo() throws Exception {
    SampleRepository.Suite suite = modernSuite(1, false);
    String hello = suite.packages().getFirst().filename();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      upstream.fail(hello, ScriptedUpstream.Fault.CORRUPT, 100);
      SyncReport report = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.MIRROR_AS_IS);
      assertThat(report.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.PUBLISHED);
      assertThat(report.failures())
          .singleElement()
          .satisfies(f -> assertThat(f.action()).isEqualTo(FileAction.KEPT_AS_IS));
      assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
      assertThat(Files.readAllBytes(mirror().resolve(hello)))
          .isNotEqualTo(Files.readAllBytes(upstreamRoot().resolve(hello)));
      try (Index index = Index.open(mirror().resolve(".repomirror/index"));
          HttpUpstream source = new HttpUpstream(upstream.uri(), Duration.ofSeconds(10), 4)) {
        assertThat(index.file(hello).orElseThrow().state()).isEqualTo(FileState.UPSTREAM_MISMATCH);
      }
    }
  }

  @Test
  void aBadSignatureChangesNothing() throws Exception {
    modernSuite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      SyncReport report = sync(upstream, stranger, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).isEqualTo(RunOutcome.TRUST_FAILURE);
      assertThat(report.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.TRUST_FAILURE);
      assertThat(tree(mirror())).isEmpty();
    }
  }

  /**
   * A run's keyring decides, however unchanged the upstream: before, a wrong keyring went unnoticed
   * ("unchanged upstream, verified when last fetched", exit 0) until the Release changed.
   */
  @Test
  void anUnchangedSuiteIsCheckedWithThisRunsKeyring() throws Exception {
    modernSuite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT).outcome())
          .isEqualTo(RunOutcome.OK);
      Map<String, String> before = tree(mirror());

      upstream.clearRequests();
      SyncReport other = sync(upstream, stranger, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(upstream.requests()).as("the upstream is unchanged").hasSize(1);
      assertThat(other.outcome()).as(other.summary()).isEqualTo(RunOutcome.TRUST_FAILURE);
      SyncReport.SuiteReport suite = other.suites().getFirst();
      assertThat(suite.outcome()).isEqualTo(SuiteOutcome.TRUST_FAILURE);
      assertThat(suite.reason())
          .as("names the key that signed")
          .contains(String.format("%016X", key.keyId()));
      assertThat(tree(mirror())).as("nothing changed").isEqualTo(before);

      SyncReport same = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(same.outcome()).isEqualTo(RunOutcome.OK);
      assertThat(same.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.UNCHANGED);
      assertThat(same.suites().getFirst().signatures())
          .as("the published Release checked with this run's keyring")
          .singleElement()
          .asString()
          .startsWith(String.format("%016X", key.keyId()));
    }
  }

  /**
   * As deb.debian.org served bookworm-updates on 2026-12-06: a current InRelease and Release, and
   * beside them a Release.gpg five weeks old that does not verify the Release. gpgv says BAD; the
   * whole suite was refused as a trust failure, though its InRelease was good.
   */
  @Test
  void aStaleReleaseGpgBesideAGoodInReleaseIsMirroredAsTheUpstreamHasItWithAWarning()
      throws Exception {
    modernSuite(1, false);
    byte[] staleSignature = Files.readAllBytes(upstreamRoot().resolve("dists/stable/Release.gpg"));
    Thread.sleep(1100);
    modernSuite(2, true);
    Files.write(upstreamRoot().resolve("dists/stable/Release.gpg"), staleSignature);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      SyncReport report = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      assertThat(report.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.PUBLISHED);
      assertThat(report.warnings())
          .anyMatch(
              w ->
                  w.startsWith("dists/stable/Release.gpg does not verify the Release")
                      && w.contains("Mirrored as the upstream serves it"));
      for (String f : List.of("InRelease", "Release", "Release.gpg")) {
        assertThat(Files.readAllBytes(mirror().resolve("dists/stable/" + f)))
            .as(f + " as the upstream serves it")
            .isEqualTo(Files.readAllBytes(upstreamRoot().resolve("dists/stable/" + f)));
      }
    }
  }

  /**
   * A Release that is not the InRelease's signed text (the upstream half-way through an update, or
   * two caches of different moments): legacy clients would read indexes the Release does not list.
   */
  @Test
  void aReleaseThatIsNotTheInReleasesTextKeepsThePreviousMetadata() throws Exception {
    modernSuite(1, false);
    byte[] oldRelease = Files.readAllBytes(upstreamRoot().resolve("dists/stable/Release"));
    byte[] oldSignature = Files.readAllBytes(upstreamRoot().resolve("dists/stable/Release.gpg"));
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT).outcome())
          .isEqualTo(RunOutcome.OK);
      Map<String, String> before = tree(mirror());
      Thread.sleep(1100);
      modernSuite(2, true);
      Files.write(upstreamRoot().resolve("dists/stable/Release"), oldRelease);
      Files.write(upstreamRoot().resolve("dists/stable/Release.gpg"), oldSignature);
      SyncReport report = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
      SyncReport.SuiteReport suite = report.suites().getFirst();
      assertThat(suite.outcome()).isEqualTo(SuiteOutcome.MALFORMED);
      assertThat(suite.reason())
          .isEqualTo(
              "the Release lists other files than the InRelease: the upstream is being updated, or"
                  + " serves them from different moments");
      Map<String, String> after = tree(mirror());
      after.keySet().removeIf(p -> p.startsWith("pool/"));
      before.keySet().removeIf(p -> p.startsWith("pool/"));
      assertThat(after).as("the suite's metadata as it was").isEqualTo(before);
    }
  }

  @Test
  void resetsAndTruncatedBodiesAreResumed() throws Exception {
    SampleRepository.Suite suite = modernSuite(1, false);
    String big = suite.packages().get(1).filename();
    String small = suite.packages().get(0).filename();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      upstream.fail(big, ScriptedUpstream.Fault.RESET_HALFWAY, 2);
      upstream.fail(small, ScriptedUpstream.Fault.TRUNCATED, 1);
      upstream.fail(
          "dists/stable/main/binary-amd64/Packages.xz", ScriptedUpstream.Fault.UNAVAILABLE, 1);
      SyncReport report = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      assertThat(tree(mirror())).isEqualTo(tree(upstreamRoot()));
      assertThat(upstream.requests())
          .anyMatch(
              r ->
                  r.path().equals(big)
                      && r.header("Range") != null
                      && r.header("If-Range") != null);
    }
  }

  @Test
  void redirectsAreFollowedAndLoopsFailTheFileOnly() throws Exception {
    SampleRepository.Suite suite = modernSuite(1, false);
    String hello = suite.packages().get(0).filename();
    String tzdata = suite.packages().get(2).filename();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      upstream.fail(hello, ScriptedUpstream.Fault.REDIRECT, 1);
      upstream.fail(tzdata, ScriptedUpstream.Fault.REDIRECT_LOOP, 1);
      SyncReport report = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
      assertThat(report.failures())
          .singleElement()
          .satisfies(f -> assertThat(f.path()).isEqualTo(tzdata));
      assertThat(Files.readAllBytes(mirror().resolve(hello)))
          .isEqualTo(Files.readAllBytes(upstreamRoot().resolve(hello)));
      assertThat(mirror().resolve(tzdata)).doesNotExist();
    }
  }

  @Test
  void leftoversOfACrashedRunAreCleanedOrResumed() throws Exception {
    SampleRepository.Suite suite = modernSuite(1, false);
    String big = suite.packages().get(1).filename();
    Path staging = Files.createDirectories(mirror().resolve(".repomirror/staging"));
    // A killed run's lock line, a verified file it staged for a path nobody wants any more, half a
    // download, and a folder an older version's staging left.
    Files.writeString(
        mirror().resolve(".repomirror/lock"), "process 4242 since 2026-11-30T10:00:00Z\n");
    Path stale = StagingNames.of(staging, "pool/stale/left-over.deb");
    Files.writeString(stale, "left over");
    Path part = staging.resolve(StagingNames.of(staging, big).getFileName() + ".part");
    byte[] whole = Files.readAllBytes(upstreamRoot().resolve(big));
    Files.write(part, java.util.Arrays.copyOf(whole, whole.length / 3));
    Files.createDirectories(staging.resolve("pool/main/old-layout"));
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      SyncReport report = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      assertThat(tree(mirror())).isEqualTo(tree(upstreamRoot()));
      assertThat(upstream.requests())
          .filteredOn(r -> r.path().equals(big))
          .singleElement()
          .satisfies(
              r -> assertThat(r.header("Range")).isEqualTo("bytes=" + whole.length / 3 + "-"));
      try (Stream<Path> left = Files.list(staging)) {
        assertThat(left.toList()).as("staging after the run").isEmpty();
      }
      assertThat(Files.readString(mirror().resolve(".repomirror/lock")))
          .as("a run that ended cleanly leaves no holder")
          .isEmpty();
    }
  }

  @Test
  void aFileDeletedBehindOurBackIsFetchedAgain() throws Exception {
    SampleRepository.Suite suite = modernSuite(1, false);
    String hello = suite.packages().get(0).filename();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT).outcome())
          .isEqualTo(RunOutcome.OK);
      Files.delete(mirror().resolve(hello));
      Files.delete(mirror().resolve("dists/stable/InRelease")); // so the suite is looked at again
      SyncReport report = sync(upstream, key, "dists/stable", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).isEqualTo(RunOutcome.OK);
      assertThat(tree(mirror())).isEqualTo(tree(upstreamRoot()));
    }
  }

  @Test
  void legacyMaemoSuite() throws Exception {
    SampleRepository.legacy(upstreamRoot().resolve("extras-devel"), "fremantle")
        .components("free", "non-free")
        .architectures("armel")
        .signedBy(key)
        .add("maemo-hello", "0.1-1maemo1", "armel", "free", 5000)
        .add("libqt4-maemo5+gui", "4.7.0~git-0maemo1+0m5", "armel", "non-free", 20_000)
        .write();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      SyncReport report =
          sync(upstream, key, "extras-devel/dists/fremantle", Transfer.MismatchPolicy.STRICT);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      assertThat(tree(mirror())).isEqualTo(tree(upstreamRoot()));
      assertThat(upstream.requests())
          .anyMatch(r -> r.path().equals("extras-devel/dists/fremantle/Release.gpg"));
    }
  }

  /** Every regular file under a root, by relative path, with its content's SHA-256. */
  static Map<String, String> contents(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    tree(root).forEach((path, hashAndTime) -> files.put(path, hashAndTime.split(" ")[0]));
    return files;
  }

  /** The by-hash objects of main's Packages. */
  private static List<String> byHash(Path root) throws IOException {
    try (Stream<Path> files =
        Files.list(root.resolve("dists/stable/main/binary-amd64/by-hash/SHA256"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * Every regular file under a root, by relative path, with its content's SHA-256 and mtime; the
   * mirror's own manifest and trace are left out.
   */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(root)) return files;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = root.relativize(p).toString();
        // Hidden files (our state, the generation marker) are never served, so never compared.
        if (rel.startsWith(".") || rel.contains("/.") || SyncEngine.ownOutput(rel)) continue;
        files.put(
            rel,
            SampleRepository.hex("SHA-256", Files.readAllBytes(p))
                + " "
                + Files.getLastModifiedTime(p).toMillis() / 1000);
      }
    }
    return files;
  }
}
