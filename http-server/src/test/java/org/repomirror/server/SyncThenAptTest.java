package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;

/**
 * The whole path: {@code repomirror sync} from a loopback upstream, then {@code repomirror serve}
 * of the mirror, then the real apt-get against it.
 */
class SyncThenAptTest {
  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    AptGet.requireAptGet();
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  private static Cli.Run cli(List<String> base, String... more) {
    List<String> args = new ArrayList<>(base);
    args.addAll(List.of(more));
    return Cli.run(args);
  }

  @Test
  void syncedMirrorServesAptWithoutHashSumMismatch() throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    SampleRepository.Suite suite =
        SampleRepository.modern(upstreamRoot, "stable")
            .components("main")
            .architectures("amd64")
            .signedBy(key)
            .add("hello", "2.10-3", "amd64", "main", 3000)
            .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 70_000)
            .write();
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Path mirror = tmp.resolve("mirror");
    Path report = tmp.resolve("report.json");
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
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
              keyring.toString(),
              "--report",
              report.toString());
      assertThat(sync.code()).as(sync.out() + sync.err()).isZero();
      assertThat(sync.out()).contains("published");
      assertThat(Files.readString(report))
          .contains("\"outcome\" : \"ok\"")
          .contains("\"signatureVerification\" : \"verified for 1 suite(s)\"");
    }
    try (RepoServer server = TestServers.start(mirror, AccessLog.OFF)) {
      String url = "http://127.0.0.1:" + server.address().getPort() + "/";
      AptGet apt =
          new AptGet(
              tmp.resolve("apt"),
              "amd64",
              List.of("deb [signed-by=" + keyring + "] " + url + " stable main"),
              List.of());
      apt.updateAndDownloadAll(suite);
    }
  }

  @Test
  void exitCodesForUsageAndTrust() throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    SampleRepository.modern(upstreamRoot, "stable")
        .signedBy(key)
        .add("a", "1", "amd64", "main", 10)
        .write();
    Path wrongKeyring =
        SigningKey.generateRsa("other <o@example.org>")
            .writePublicKeyring(tmp.resolve("other.gpg"));
    Path mirror = tmp.resolve("mirror");
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      List<String> base =
          List.of("sync", "--root", mirror.toString(), "--upstream", upstream.uri().toString());
      Cli.Run noKeyring = cli(base, "--dist", "dists/stable");
      assertThat(noKeyring.code()).isEqualTo(2);
      assertThat(noKeyring.err()).contains("no keyring");
      Cli.Run noDist = cli(base, "--no-verify-signature");
      assertThat(noDist.code()).isEqualTo(2);
      Cli.Run badPolicy =
          cli(base, "--dist", "dists/stable", "--no-verify-signature", "--policy", "yolo");
      assertThat(badPolicy.code()).isEqualTo(2);
      Cli.Run trust = cli(base, "--dist", "dists/stable", "--keyring", wrongKeyring.toString());
      assertThat(trust.code()).isEqualTo(3);
      assertThat(mirror.resolve("dists")).doesNotExist();
      Cli.Run unverified = cli(base, "--dist", "dists/stable", "--no-verify-signature");
      assertThat(unverified.code()).as(unverified.out() + unverified.err()).isZero();
      assertThat(unverified.out()).contains("disabled (--no-verify-signature)");
    }
  }
}
