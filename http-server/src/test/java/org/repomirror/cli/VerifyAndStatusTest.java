package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;

/** verify and status on a real mirror, made by a real sync, then damaged on purpose. */
class VerifyAndStatusTest {
  private static SigningKey key;
  private static SigningKey stranger;

  @TempDir Path tmp;
  private Path mirror;
  private Path keyring;
  private String deb;

  @BeforeAll
  static void keys() {
    key = SigningKey.generateRsa("archive <a@example.org>");
    stranger = SigningKey.generateRsa("stranger <s@example.org>");
  }

  @BeforeEach
  void syncedMirror() throws Exception {
    Path old = tmp.resolve("old");
    SampleRepository.Suite suite =
        SampleRepository.modern(old, "stable")
            .components("main")
            .architectures("amd64")
            .signedBy(key)
            .add("hello", "2.10-3", "amd64", "main", 40_000)
            .add("tzdata", "2026a-1", "all", "main", 1000)
            .write();
    deb = suite.packages().getFirst().filename();
    Files.writeString(old.resolve("README.html"), "read me");
    keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    mirror = tmp.resolve("mirror");
    Cli.Run sync =
        Cli.run(
            "sync",
            "--mode",
            "tree",
            "--upstream",
            old.toUri().toString(),
            "--dist",
            "dists/stable",
            "--keyring",
            keyring.toString(),
            "--root",
            mirror.toString());
    assertThat(sync.code()).as(sync.out() + sync.err()).isZero();
  }

  @Test
  void anIntactMirrorVerifiesFastAndFull() throws Exception {
    Cli.Run fast = Cli.run("verify", "--root", mirror.toString());
    assertThat(fast.code()).as(fast.out()).isZero();
    assertThat(fast.out())
        .startsWith("intact:")
        .contains("1 suites")
        .contains("(fast verify of sizes and mtimes, ")
        .as("a fast verify hashes no files: no hashing rate")
        .doesNotContain("MB/s");
    Path report = tmp.resolve("verify.json");
    Cli.Run full =
        Cli.run(
            "verify",
            "--root",
            mirror.toString(),
            "--full",
            "--keyring",
            keyring.toString(),
            "--report",
            report.toString());
    assertThat(full.code()).as(full.out()).isZero();
    assertThat(full.out()).containsPattern("\\(full verify, [0-9.]+ s, [0-9.]+ MB/s hashed\\)");
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.get("mode").asText()).isEqualTo("full");
    assertThat(json.get("signatures").asText()).isEqualTo("checked");
    assertThat(json.get("bytesHashed").asLong()).isEqualTo(json.get("bytes").asLong()).isPositive();
    assertThat(json.get("problems")).isEmpty();
  }

  @Test
  void aFlippedByteIsFoundByFullVerify() throws Exception {
    Path file = mirror.resolve(deb);
    FileTime mtime = Files.getLastModifiedTime(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(1000);
      int b = f.read();
      f.seek(1000);
      f.write(b ^ 0x01);
    }
    Files.setLastModifiedTime(file, mtime); // size and mtime as before: only the bytes tell
    assertThat(Cli.run("verify", "--root", mirror.toString()).code()).isZero();
    Cli.Run full = Cli.run("verify", "--root", mirror.toString(), "--full");
    assertThat(full.code()).isEqualTo(1);
    assertThat(full.out()).contains("mismatch   " + deb + ": SHA256").startsWith("mismatch");
    assertThat(full.out()).contains("DAMAGED").contains("1 problem(s)");
  }

  @Test
  void missingChangedAndUnexpectedFilesAreListed() throws Exception {
    Files.delete(mirror.resolve(deb));
    Files.writeString(mirror.resolve("README.html"), "edited by hand");
    Files.writeString(mirror.resolve("pool/stray.deb"), "nobody recorded me");
    Cli.Run fast = Cli.run("verify", "--root", mirror.toString());
    assertThat(fast.code()).isEqualTo(1);
    assertThat(fast.out())
        .contains("missing    " + deb)
        .contains("mismatch   README.html")
        .contains("unexpected pool/stray.deb")
        .contains("3 problem(s)");
  }

  @Test
  void anotherKeyringIsATrustFailureNotDamage() throws Exception {
    Path strangers = stranger.writePublicKeyring(tmp.resolve("stranger.gpg"));
    Cli.Run run = Cli.run("verify", "--root", mirror.toString(), "--keyring", strangers.toString());
    assertThat(run.code()).as("a trust failure, as sync's").isEqualTo(3);
    assertThat(run.out())
        .contains("signature  dists/stable: signed by ")
        .contains(", which " + strangers + " does not hold (it holds 1 key)")
        .as("the files are not blamed")
        .doesNotContain("DAMAGED")
        .containsPattern("(?m)^intact: .*: no damage$")
        .containsPattern(
            "(?m)^NOT TRUSTED: 1 suite\\(s\\) do not verify with the keyring given; is it the one"
                + " the sync used\\?$");
  }

  /** The newcomer's case: another keyring, the upstream unchanged since the last sync. */
  @Test
  void aSyncWithAnotherKeyringIsATrustFailureThoughTheUpstreamIsUnchanged() throws Exception {
    Path strangers = stranger.writePublicKeyring(tmp.resolve("stranger.gpg"));
    Cli.Run run =
        Cli.run(
            "sync",
            "--mode",
            "tree",
            "--upstream",
            tmp.resolve("old").toUri().toString(),
            "--dist",
            "dists/stable",
            "--keyring",
            strangers.toString(),
            "--root",
            mirror.toString());
    assertThat(run.code()).as(run.all()).isEqualTo(3);
    String signer = String.format("%016X", key.keyId());
    assertThat(run.err())
        .isEqualTo(
            "sync: trust-failure: dists/stable: signed by "
                + signer
                + ", which "
                + strangers
                + " does not hold (it holds 1 key); nothing was written\n");
    assertThat(run.out()).containsOnlyOnce(signer).endsWith("outcome: trust-failure\n");
    Cli.Run plan =
        Cli.run(
            "plan",
            "--mode",
            "tree",
            "--upstream",
            tmp.resolve("old").toUri().toString(),
            "--dist",
            "dists/stable",
            "--keyring",
            strangers.toString(),
            "--root",
            mirror.toString());
    assertThat(plan.code()).as(plan.all()).isEqualTo(3);
  }

  @Test
  void statusShowsRunsSuitesAndTotals() throws Exception {
    Cli.Run text = Cli.run("status", "--root", mirror.toString());
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("Last runs:")
        .containsPattern("tree +ok ")
        .contains("dists/stable")
        .contains("Release of 20")
        .contains("Quarantined: 0")
        .containsPattern("Disk: [0-9.]+ GB free")
        .as("times to the second")
        .containsPattern("(?m)^  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +tree")
        .doesNotContainPattern("\\d:\\d\\d\\.\\d");
    Cli.Run json = Cli.run("status", "--root", mirror.toString(), "--json");
    JsonNode status = new ObjectMapper().readTree(json.out());
    assertThat(status.get("files").asLong()).isGreaterThan(5);
    assertThat(status.get("suites").get(0).get("dist").asText()).isEqualTo("dists/stable");
    assertThat(status.get("runs").get(0).get("outcome").asText()).isEqualTo("ok");
    assertThat(Cli.run("status", "--root", tmp.resolve("nothing").toString()).code()).isEqualTo(2);
  }

  @Test
  void aRootPublishingIntoAStoreItCannotReachEndsBothCommandsWithAClearError() throws Exception {
    // The root's note names a store whose credentials file others may read: refused, as by sync.
    Path credentials = Files.writeString(tmp.resolve("s3-credentials"), "[default]\n");
    Files.setPosixFilePermissions(
        credentials, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(
        mirror.resolve(".repomirror/published-in"),
        "s3://mirror/prefix\nendpoint http://127.0.0.1:9\ncredentials-file " + credentials + "\n");
    for (String command : List.of("status", "verify")) {
      Cli.Run r = Cli.run(command, "--root", mirror.toString());
      assertThat(r.code()).as(r.all()).isEqualTo(ExitCodes.ABORTED);
      assertThat(r.err())
          .as(command)
          .contains(command + ": ")
          .contains("may be read by others than its owner")
          .doesNotContain("Exception");
    }
  }
}
