package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;

/** The real apt-get against the real server, on signed repositories the test generates. */
class AptEndToEndTest {
  /**
   * Modern apt distrusts MD5-only Release files; Maemo's apt accepts them. ForceHash makes apt
   * verify every file by its MD5 sum, as the old apt did, so a wrong byte still fails the download
   * even though apt calls the packages unauthenticated.
   */
  private static final List<String> LEGACY_APT =
      List.of(
          "Acquire::AllowWeakRepositories \"true\";",
          "Acquire::ForceHash \"MD5Sum\";",
          "APT::Get::AllowUnauthenticated \"true\";");

  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void generateKey() {
    AptGet.requireAptGet();
    key = SigningKey.generateRsa("repomirror test archive <test@example.org>");
  }

  @Test
  void modernSuiteUpdatesByHashAndDownloadsEveryPackage() throws Exception {
    Path root = tmp.resolve("root");
    SampleRepository.Suite suite =
        SampleRepository.modern(root, "stable")
            .components("main", "contrib")
            .architectures("amd64")
            .signedBy(key)
            .add("hello", "2.10-3", "amd64", "main", 3000)
            .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 70_000)
            .add("tzdata-all", "2026a-0+deb13u1", "all", "contrib", 100)
            .add("bigpackage", "1.0", "amd64", "main", 3_000_000)
            .write();
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    RecordingAccessLog log = new RecordingAccessLog();
    try (RepoServer server = TestServers.start(root, log)) {
      String url = "http://127.0.0.1:" + server.address().getPort() + "/";
      AptGet apt =
          new AptGet(
              tmp.resolve("apt"),
              "amd64",
              List.of("deb [signed-by=" + keyring + "] " + url + " stable main contrib"),
              List.of());

      AptGet.Result update = apt.run("update");
      assertThat(update.exitCode()).as(update.output()).isZero();
      assertClean(update);
      assertThat(log.targets()).contains("/dists/stable/InRelease");
      assertThat(log.targets())
          .as("apt follows Acquire-By-Hash")
          .anyMatch(t -> t.contains("/by-hash/SHA256/"));

      AptGet.Result download = apt.run(downloadArgs(suite));
      assertThat(download.exitCode()).as(download.output()).isZero();
      assertClean(download);
      assertDownloadedExactly(apt.downloads(), suite);
      assertThat(log.targets()).anyMatch(t -> t.contains("libstdc%2b%2b6"));
    }
  }

  @Test
  void legacySuiteWithMd5OnlyReleaseGpgAndPackagesGz() throws Exception {
    Path root = tmp.resolve("root");
    SampleRepository.Suite suite =
        SampleRepository.legacy(root.resolve("extras-devel"), "fremantle")
            .components("free", "non-free")
            .architectures("armel")
            .signedBy(key)
            .add("maemo-hello", "0.1-1maemo1", "armel", "free", 5000)
            .add("libqt4-maemo5+gui", "4.7.0~git20100909-0maemo1+0m5", "armel", "non-free", 20_000)
            .add("maemo-docs", "1.0", "all", "free", 100)
            .write();
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    RecordingAccessLog log = new RecordingAccessLog();
    try (RepoServer server = TestServers.start(root, log)) {
      String url = "http://127.0.0.1:" + server.address().getPort() + "/extras-devel";
      AptGet apt =
          new AptGet(
              tmp.resolve("apt"),
              "armel",
              List.of("deb [signed-by=" + keyring + "] " + url + " fremantle free non-free"),
              LEGACY_APT);

      AptGet.Result update = apt.run("update");
      assertThat(update.exitCode()).as(update.output()).isZero();
      assertThat(update.output()).doesNotContain("Hash Sum mismatch").doesNotContain("E:");
      assertThat(log.entries())
          .anyMatch(
              e ->
                  e.requestLine().contains("/extras-devel/dists/fremantle/InRelease")
                      && e.status() == 404)
          .anyMatch(
              e ->
                  e.requestLine().contains("/extras-devel/dists/fremantle/Release.gpg")
                      && e.status() == 200);

      AptGet.Result download = apt.run(downloadArgs(suite));
      assertThat(download.exitCode()).as(download.output()).isZero();
      assertDownloadedExactly(apt.downloads(), suite);
    }
  }

  @Test
  void harnessCatchesAFlippedByteEvenInTheLegacySuite() throws Exception {
    Path root = tmp.resolve("root");
    SampleRepository.Suite suite =
        SampleRepository.legacy(root, "fremantle")
            .components("free")
            .architectures("armel")
            .signedBy(key)
            .add("maemo-hello", "0.1-1maemo1", "armel", "free", 5000)
            .write();
    Path deb = root.resolve(suite.packages().getFirst().filename());
    byte[] bytes = Files.readAllBytes(deb);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(deb, bytes);
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    try (RepoServer server = TestServers.start(root, AccessLog.OFF)) {
      String url = "http://127.0.0.1:" + server.address().getPort() + "/";
      AptGet apt =
          new AptGet(
              tmp.resolve("apt"),
              "armel",
              List.of("deb [signed-by=" + keyring + "] " + url + " fremantle free"),
              LEGACY_APT);
      assertThat(apt.run("update").exitCode()).isZero();
      AptGet.Result download = apt.run("download", "maemo-hello");
      assertThat(download.exitCode()).isNotZero();
      assertThat(download.output()).contains("Hash Sum mismatch");
    }
  }

  private static String[] downloadArgs(SampleRepository.Suite suite) {
    List<String> args = new ArrayList<>();
    args.add("download");
    suite.packages().forEach(p -> args.add(p.name()));
    return args.toArray(String[]::new);
  }

  private static void assertClean(AptGet.Result result) {
    assertThat(result.output())
        .as(result.output())
        .doesNotContain("Hash Sum mismatch")
        .doesNotContainPattern("(?m)^[WE]:");
  }

  /** Every package arrived, byte for byte, and each is a real .deb that dpkg-deb can read. */
  private static void assertDownloadedExactly(Path downloads, SampleRepository.Suite suite)
      throws IOException, InterruptedException {
    List<Path> files;
    try (Stream<Path> s = Files.list(downloads)) {
      files = s.filter(p -> p.toString().endsWith(".deb")).toList();
    }
    Set<String> got = new java.util.HashSet<>();
    for (Path f : files) {
      got.add(SampleRepository.hex("SHA-256", Files.readAllBytes(f)));
    }
    Set<String> expected =
        suite.packages().stream()
            .map(p -> SampleRepository.hex("SHA-256", p.deb()))
            .collect(Collectors.toSet());
    assertThat(got).isEqualTo(expected);
    for (Path f : files) {
      Process p = new ProcessBuilder("dpkg-deb", "-f", f.toString(), "Package").start();
      String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertThat(p.waitFor()).isZero();
      assertThat(f.getFileName().toString()).startsWith(name + "_");
    }
  }
}
