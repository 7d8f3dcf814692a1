package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli;
import org.repomirror.cli.SyncMetrics;
import org.repomirror.config.ConfigLoader;
import org.repomirror.config.PinningConfig;
import org.repomirror.config.RepomirrorConfig;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;

/**
 * The served root holding the mirrors of a {@code mirrors} list, each in its folder with its own
 * state: a legacy client of one of them keeps the generation of its Release across a publish, as it
 * does from a mirror at the served root, and {@code /metrics} shows each mirror's last sync under
 * its name, one metric family each.
 */
class MirrorsServeTest {
  private static final String DIST = "extras-devel/dists/fremantle";

  @TempDir Path tmp;

  @Test
  void aMirrorInAFolderIsPinnedAndMeasuredUnderItsName() throws Exception {
    SigningKey key = SigningKey.generateRsa("maemo <m@example.org>");
    Path upstream = tmp.resolve("upstream");
    Path served = Files.createDirectories(tmp.resolve("served"));
    GenerationPinningTest.legacyRelease(upstream, key, 1);
    try (ScriptedUpstream up = new ScriptedUpstream(upstream)) {
      Path config = tmp.resolve("repomirror.yaml");
      Files.writeString(
          config,
          """
          server:
            root: %s
          mirrors:
            - name: maemo
              upstream: %s
              dists: [%s]
              keyring: %s
            - name: later
              upstream: %s
              dists: [%s]
              keyring: %s
          """
              .formatted(
                  served,
                  up.uri(),
                  DIST,
                  key.writePublicKeyring(tmp.resolve("maemo.gpg")),
                  up.uri(),
                  DIST,
                  tmp.resolve("maemo.gpg")));
      RepomirrorConfig file = ConfigLoader.load(config);
      try (RepoServer server =
          RepoServer.start(
              TestServers.config(
                  served,
                  new PinningConfig(Duration.ofMinutes(2), 1000, Duration.ofHours(1), List.of())),
              AccessLog.OFF,
              SyncMetrics.of(file, served, Clock.systemUTC()))) {
        sync(config);
        String at = "maemo/" + DIST;
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.address().getPort());
        byte[] release1;
        try (RawHttp first = new RawHttp(address, "127.0.0.1")) {
          release1 = first.get(at + "/Release").body();
          assertThat(first.get(at + "/Release.gpg").status()).isEqualTo(200);
        }
        Thread.sleep(1100); // a new mtime, a new Release
        GenerationPinningTest.legacyRelease(upstream, key, 2);
        sync(config);
        assertThat(Files.readAllBytes(served.resolve(at + "/Release"))).isNotEqualTo(release1);
        try (RawHttp again = new RawHttp(address, "127.0.0.1")) {
          RawHttp.Response packages = again.get(at + "/free/binary-armel/Packages.gz");
          assertThat(packages.status()).isEqualTo(200);
          assertThat(SampleRepository.hex("MD5", packages.body()))
              .as("Packages.gz of the Release this client fetched before the publish")
              .isEqualTo(
                  ReleaseFile.parse(release1)
                      .file("free/binary-armel/Packages.gz")
                      .orElseThrow()
                      .hashes()
                      .get(HashAlgorithm.MD5)
                      .orElseThrow());
        }

        String metrics;
        try (RawHttp admin = new RawHttp(server.adminAddress())) {
          metrics = new String(admin.get("metrics").body(), StandardCharsets.UTF_8);
        }
        assertThat(metrics)
            .contains("repomirror_sync_index_readable{mirror=\"maemo\"} 1\n")
            .contains("repomirror_sync_index_readable{mirror=\"later\"} 0\n")
            .contains("repomirror_sync_last_ok{mirror=\"maemo\",suite=\"" + DIST + "\"} 1\n")
            .contains("repomirror_sync_quarantined_files{mirror=\"maemo\"} 0\n")
            .containsPattern("repomirror_generations_kept [1-9]")
            .containsPattern("repomirror_pinned_older_generation_requests_total [1-9]");
        assertThat(metrics.split("# HELP repomirror_sync_last_ok ", -1))
            .as("one family, one HELP line")
            .hasSize(2);
      }
    }
  }

  private static void sync(Path config) {
    Cli.Run r = Cli.run("sync", "--config", config.toString(), "--mirror", "maemo");
    assertThat(r.code()).as(r.all()).isZero();
  }
}
