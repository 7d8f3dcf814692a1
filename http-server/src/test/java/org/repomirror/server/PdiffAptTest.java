package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli;
import org.repomirror.config.PinningConfig;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.EdDiffs;
import org.repomirror.testing.ScriptedUpstream;

/**
 * Real apt with PDiffs on, whose lists hold yesterday's Packages, updates from the mirror through
 * the patch the upstream published today: the mirror carries the patch its Index names. Before, the
 * mirror had the Index but not the patch, and apt got a 404 for it.
 */
class PdiffAptTest {
  private static final String PATCH =
      "/dists/stable/main/binary-amd64/Packages.diff/T-2026-12-06-0800.00-F-2026-12-05-0800.00.gz";

  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    AptGet.requireAptGet();
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  private SampleRepository stable() {
    return SampleRepository.modern(tmp.resolve("upstream"), "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 3000)
        .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 20_000);
  }

  private void sync(Path mirror, ScriptedUpstream upstream, Path keyring) {
    Cli.Run sync =
        Cli.run(
            "sync",
            "--root",
            mirror.toString(),
            "--upstream",
            upstream.uri().toString(),
            "--dist",
            "dists/stable",
            "--keyring",
            keyring.toString());
    assertThat(sync.code()).as(sync.all()).isZero();
  }

  @Test
  void aptUpdatesThroughThePatchTheMirrorCarries() throws Exception {
    SampleRepository.Suite yesterday = stable().write();
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Path mirror = java.nio.file.Files.createDirectories(tmp.resolve("mirror"));
    RecordingAccessLog log = new RecordingAccessLog();
    try (ScriptedUpstream upstream = new ScriptedUpstream(tmp.resolve("upstream"));
        // Pinned as every client is, for a window shorter than the pause between the updates.
        RepoServer server =
            RepoServer.start(
                TestServers.config(
                    mirror.toAbsolutePath(),
                    new PinningConfig(Duration.ofSeconds(1), null, Duration.ofSeconds(1), null)),
                log)) {
      sync(mirror, upstream, keyring);
      AptGet apt =
          new AptGet(
              tmp.resolve("apt"),
              "amd64",
              List.of(
                  "deb [signed-by="
                      + keyring
                      + "] http://127.0.0.1:"
                      + server.address().getPort()
                      + "/ stable main"),
              List.of("Acquire::PDiffs \"true\";", "Debug::pkgAcquire::Diffs \"true\";"));
      AptGet.Result first = apt.run("update");
      assertThat(first.exitCode()).as(first.output()).isZero();

      Thread.sleep(1500); // a Release of another second, and past the pin window
      stable()
          .add("newcomer", "1.0", "amd64", "main", 5000)
          .pdiffsFrom(yesterday, EdDiffs::script)
          .write();
      sync(mirror, upstream, keyring);
      int before = log.entries().size();
      AptGet.Result second = apt.run("update");
      assertThat(second.exitCode()).as(second.output()).isZero();
      assertThat(second.output()).doesNotContainPattern("(?m)^[WE]:");
      List<AccessLogEntry> update = log.entries().subList(before, log.entries().size());
      assertThat(update)
          .as("apt fetched the patch from the mirror")
          .anyMatch(e -> e.requestLine().contains(PATCH) && e.status() == 200);
      assertThat(update).as("and was refused nothing").allMatch(e -> e.status() < 400);
      assertThat(update)
          .as("it patched its Packages rather than fetch them whole")
          .noneMatch(
              e -> e.requestLine().matches(".*/binary-amd64/(Packages\\.(xz|gz)|by-hash/).*"));
      assertThat(second.output())
          .as("apt's debug log: the patch applied by rred and the result moved in place")
          .contains("Sending to rred method: ")
          .contains("Moving patched file in place")
          .doesNotContain("Falling back to normal index file acquire");

      AptGet.Result download = apt.run("download", "newcomer");
      assertThat(download.exitCode()).as(download.output()).isZero();
    }
  }
}
