package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.index.Index;
import org.repomirror.report.PlanReport;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.run.FileAction;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.source.HttpUpstream;
import org.repomirror.store.Generations;
import org.repomirror.store.PublishedFiles;
import org.repomirror.testing.EdDiffs;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.transfer.Transfer;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.verify.TreeVerifier;
import org.repomirror.verify.VerifyReport;

/**
 * The files a Release does not name but its second-level indexes do: an index's patches (named by
 * its {@code .diff/Index}) and a debian-installer's images (named by SHA256SUMS), mirrored in apt
 * mode, verified along the chain, published with the suite's generation and counted by a plan.
 * Before, the mirror held the Index and the SHA256SUMS but none of the files they name.
 */
class SecondLevelTest {
  private static final String PATCH =
      "dists/stable/main/binary-amd64/Packages.diff/T-2026-12-06-0800.00-F-2026-12-05-0800.00.gz";
  private static final String IMAGES = "dists/stable/main/installer-amd64/current/images/";

  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  private Path upstreamRoot() {
    return tmp.resolve("upstream");
  }

  private Path mirror() {
    return tmp.resolve("mirror");
  }

  /** The suite of the day before (in a folder aside), then today's with its patch and images. */
  private void archive() throws Exception {
    SampleRepository.Suite before =
        SampleRepository.modern(tmp.resolve("before"), "stable")
            .components("main")
            .architectures("amd64")
            .signedBy(key)
            .add("hello", "2.10-3", "amd64", "main", 3000)
            .write();
    SampleRepository.modern(upstreamRoot(), "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 3000)
        .add("newcomer", "1.0", "amd64", "main", 4000)
        .pdiffsFrom(before, EdDiffs::script)
        .installer(
            "current",
            Map.of("netboot/mini.iso", new byte[70_000], "cdrom/vmlinuz", "kernel".getBytes()))
        .write();
  }

  private SyncEngine engine(Index index, HttpUpstream source) throws Exception {
    SyncOptions options =
        TestSyncOptions.of(
            List.of("dists/stable"),
            true,
            Duration.ofHours(1),
            1000,
            4,
            2,
            Transfer.MismatchPolicy.STRICT);
    return new SyncEngine(
        mirror(),
        source,
        index,
        new ReleaseVerifier(Keyring.of(key.publicKeyring()), false),
        options,
        Clock.systemUTC());
  }

  private SyncReport sync(ScriptedUpstream upstream) throws Exception {
    try (Index index = Index.open(mirror().resolve(".repomirror/index"));
        HttpUpstream source = new HttpUpstream(upstream.uri(), Duration.ofSeconds(10), 4)) {
      return engine(index, source).run();
    }
  }

  @Test
  void patchesAndInstallerImagesAreMirroredVerifiedPublishedWithTheSuiteAndPlanned()
      throws Exception {
    archive();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      PlanReport plan;
      try (Index index = Index.open(mirror().resolve(".repomirror/index"));
          HttpUpstream source = new HttpUpstream(upstream.uri(), Duration.ofSeconds(10), 4)) {
        plan = engine(index, source).plan(java.time.Duration.ZERO);
      }

      SyncReport first = sync(upstream);
      assertThat(first.outcome()).as(first.summary()).isEqualTo(RunOutcome.OK);
      for (String path :
          List.of(
              PATCH, IMAGES + "netboot/mini.iso", IMAGES + "cdrom/vmlinuz", IMAGES + "MD5SUMS")) {
        assertThat(mirror().resolve(path)).as(path).exists();
        assertThat(Files.readAllBytes(mirror().resolve(path)))
            .isEqualTo(Files.readAllBytes(upstreamRoot().resolve(path)));
      }
      assertThat(plan.items().getFirst().files())
          .as("the plan counts them as the sync does")
          .isEqualTo(first.suites().getFirst().counts().files());
      assertThat(plan.totals().fetchFiles()).isEqualTo(first.totals().filesFetched());

      Generations generations = new Generations(mirror(), org.repomirror.fs.FileStore.SYSTEM);
      long current = generations.current("dists/stable").orElseThrow();
      Path kept = generations.folder("dists/stable", current);
      assertThat(kept.resolve(PATCH.substring("dists/stable/".length())))
          .as("in the suite's generation, so pinning serves it with its Index")
          .exists();

      try (Index index = Index.openReadOnly(mirror().resolve(".repomirror/index"))) {
        VerifyReport verified =
            new TreeVerifier(
                    PublishedFiles.inFolder(mirror()),
                    index,
                    new ReleaseVerifier(Keyring.of(key.publicKeyring()), false),
                    true,
                    2)
                .run();
        assertThat(verified.problems())
            .as("the chain down to the patch and images holds")
            .isEmpty();
      }

      upstream.clearRequests();
      SyncReport second = sync(upstream);
      assertThat(second.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.UNCHANGED);
      assertThat(upstream.requests()).hasSize(1);
    }
  }

  @Test
  void anImageThatFailsItsChecksumKeepsTheSuiteAsItWas() throws Exception {
    archive();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      upstream.fail(IMAGES + "netboot/mini.iso", ScriptedUpstream.Fault.CORRUPT, 10);
      SyncReport report = sync(upstream);
      assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
      assertThat(report.suites().getFirst().outcome()).isEqualTo(SuiteOutcome.NOT_PUBLISHED);
      assertThat(report.failures())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.path()).isEqualTo(IMAGES + "netboot/mini.iso");
                assertThat(f.action()).isEqualTo(FileAction.QUARANTINED);
              });
      assertThat(mirror().resolve("dists/stable"))
          .as("nothing of the suite published")
          .doesNotExist();
      try (Stream<Path> quarantine = Files.walk(mirror().resolve(".repomirror/quarantine"))) {
        assertThat(quarantine.filter(Files::isRegularFile).map(Path::toString))
            .anyMatch(p -> p.endsWith("netboot/mini.iso"));
      }
    }
  }
}
