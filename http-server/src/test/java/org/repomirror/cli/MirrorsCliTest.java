package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;

/**
 * Several mirrors in one config file: a Debian-like archive over HTTP (apt mode) and a Maemo-like
 * tree from a directory, each signed by its own key, synced by name or all in order into folders of
 * the served root.
 */
class MirrorsCliTest {
  private static SigningKey debianKey;
  private static SigningKey maemoKey;

  @TempDir Path tmp;
  private Path served;
  private Path config;
  private ScriptedUpstream debian;

  @BeforeAll
  static void keys() {
    debianKey = SigningKey.generateRsa("debian <d@example.org>");
    maemoKey = SigningKey.generateRsa("maemo <m@example.org>");
  }

  @BeforeEach
  void upstreams() throws Exception {
    Path debianRoot = tmp.resolve("debian-upstream");
    SampleRepository.modern(debianRoot, "bookworm")
        .components("main")
        .architectures("amd64")
        .signedBy(debianKey)
        .add("hello", "2.10-3", "amd64", "main", 20_000)
        .write();
    debian = new ScriptedUpstream(debianRoot);
    Path maemoRoot = tmp.resolve("maemo-upstream");
    SampleRepository.legacy(maemoRoot.resolve("extras-devel"), "fremantle")
        .components("free")
        .architectures("armel")
        .signedBy(maemoKey)
        .add("maemo-hello", "0.1", "armel", "free", 5000)
        .write();
    Files.writeString(maemoRoot.resolve("index.html"), "maemo");
    served = tmp.resolve("served");
    config = tmp.resolve("repomirror.yaml");
    Files.writeString(
        config,
        """
        server:
          root: %s
        sync:
          keyring: %s
          connections: 2
        mirrors:
          - name: debian
            upstream: %s
            dists: [dists/bookworm]
          - name: maemo
            upstream: %s
            dists: [extras-devel/dists/fremantle]
            keyring: %s
            mode: tree
        """
            .formatted(
                served,
                debianKey.writePublicKeyring(tmp.resolve("debian.gpg")),
                debian.uri(),
                maemoRoot.toUri(),
                maemoKey.writePublicKeyring(tmp.resolve("maemo.gpg"))));
  }

  @org.junit.jupiter.api.AfterEach
  void stop() {
    debian.close();
  }

  @Test
  void allSyncsEveryMirrorInOrderIntoItsOwnFolder() throws Exception {
    Cli.Run r = Cli.run("sync", "--config", config.toString(), "--all");
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(served.resolve("debian/dists/bookworm/InRelease")).isRegularFile();
    assertThat(served.resolve("debian/pool/main/h/hello/hello_2.10-3_amd64.deb")).isRegularFile();
    assertThat(served.resolve("maemo/extras-devel/dists/fremantle/Release.gpg")).isRegularFile();
    assertThat(served.resolve("maemo/index.html")).as("tree mode: the rest of the tree").exists();
    assertThat(served.resolve("debian/.repomirror/index")).isDirectory();
    assertThat(served.resolve("maemo/.repomirror/index")).isDirectory();
    assertThat(r.out())
        .contains("== mirror debian: " + served.resolve("debian") + " ==")
        .contains("== mirror maemo: " + served.resolve("maemo") + " ==")
        .endsWith("sync: all 2 mirrors done\n");
    assertThat(r.out().indexOf("== mirror debian")).isLessThan(r.out().indexOf("== mirror maemo"));
  }

  @Test
  void statusShowsEveryMirrorOfTheListOrTheOnesNamed() throws Exception {
    assertThat(Cli.run("sync", "--config", config.toString(), "--all").code()).isZero();
    Cli.Run all = Cli.run("status", "--config", config.toString());
    assertThat(all.code()).as(all.all()).isZero();
    assertThat(all.out())
        .startsWith("== mirror debian: " + served.resolve("debian") + " ==\nLast runs:\n")
        .contains("== mirror maemo: " + served.resolve("maemo") + " ==\nLast runs:\n")
        .contains("dists/bookworm")
        .contains("extras-devel/dists/fremantle");
    Cli.Run one = Cli.run("status", "--config", config.toString(), "--mirror", "maemo", "--json");
    assertThat(one.code()).as(one.all()).isZero();
    JsonNode maemo = new ObjectMapper().readTree(one.out());
    assertThat(maemo.get("suites").get(0).get("dist").asText())
        .isEqualTo("extras-devel/dists/fremantle");
    JsonNode both =
        new ObjectMapper()
            .readTree(Cli.run("status", "--config", config.toString(), "--json").out());
    assertThat(both.fieldNames()).toIterable().containsExactly("debian", "maemo");
    Cli.Run unknown = Cli.run("status", "--config", config.toString(), "--mirror", "x");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).isEqualTo("status: --mirror x: no such mirror in " + config + "\n");
  }

  @Test
  void verifyChecksEachMirrorWithItsOwnKeyring() throws Exception {
    assertThat(Cli.run("sync", "--config", config.toString(), "--all").code()).isZero();
    Cli.Run all = Cli.run("verify", "--config", config.toString());
    assertThat(all.code()).as(all.all()).isZero();
    assertThat(all.out())
        .contains("== mirror debian: " + served.resolve("debian") + " ==\nintact: ")
        .contains("== mirror maemo: " + served.resolve("maemo") + " ==\nintact: ");
    assertThat(all.out().lines().filter(l -> l.startsWith("intact: ")))
        .as("each mirror's signatures checked with its own keyring")
        .hasSize(2)
        .allMatch(l -> l.contains("signatures checked"));
    // The debian keyring for the maemo mirror: its signature no longer verifies.
    Cli.Run wrong =
        Cli.run(
            "verify",
            "--config",
            config.toString(),
            "--mirror",
            "maemo",
            "--keyring",
            tmp.resolve("debian.gpg").toString());
    assertThat(wrong.code()).as(wrong.all()).isEqualTo(3);
    assertThat(wrong.out()).contains("NOT TRUSTED").doesNotContain("DAMAGED");
  }

  @Test
  void mirrorSyncsThatOneOnly() {
    Cli.Run r = Cli.run("sync", "--config", config.toString(), "--mirror", "maemo");
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(served.resolve("maemo/extras-devel/dists/fremantle/Release")).isRegularFile();
    assertThat(served.resolve("debian")).doesNotExist();
    assertThat(r.out()).as("one mirror: no headings").doesNotContain("== mirror");
  }

  @Test
  void aListWithoutAChoiceIsBadUsageAndTouchesNothing() {
    Cli.Run r = Cli.run("sync", "--config", config.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "sync: the config file lists mirrors (debian, maemo): give --mirror NAME or --all\n");
    assertThat(served).doesNotExist();
  }

  @Test
  void anUnknownMirrorIsNamedWithWhatWasMeant() {
    Cli.Run typo = Cli.run("sync", "--config", config.toString(), "--mirror", "debain");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err())
        .isEqualTo(
            "sync: --mirror debain: no such mirror in " + config + "; did you mean debian?\n");
    Cli.Run other = Cli.run("plan", "--config", config.toString(), "--mirror", "ubuntu");
    assertThat(other.err())
        .isEqualTo(
            "plan: --mirror ubuntu: no such mirror in "
                + config
                + "; its mirrors are"
                + " debian, maemo\n");
    assertThat(served).doesNotExist();
  }

  @Test
  void oneMirrorsOptionsAreRefusedForSeveral() {
    Cli.Run r = Cli.run("sync", "--config", config.toString(), "--all", "--root", tmp.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "sync: --root is one mirror's setting: give it in the mirror's entry, or run one"
                + " mirror\n");
  }

  @Test
  void aFailingMirrorDoesNotStopTheNextAndGivesTheExitCode() throws Exception {
    // The debian mirror now trusts the wrong key: a trust failure, exit 3; maemo still syncs.
    Files.writeString(
        config,
        Files.readString(config)
            .replaceFirst(
                "keyring: (\\S+)/debian.gpg",
                "keyring: " + tmp.resolve("maemo.gpg").toString().replace("\\", "\\\\")));
    Cli.Run r = Cli.run("sync", "--config", config.toString(), "--all");
    assertThat(r.code()).as(r.all()).isEqualTo(3);
    assertThat(r.err()).contains("sync debian: trust-failure: ");
    assertThat(served.resolve("debian/dists")).doesNotExist();
    assertThat(served.resolve("maemo/extras-devel/dists/fremantle/Release")).isRegularFile();
    assertThat(r.out()).endsWith("sync: 1 of 2 mirrors done; not: debian (exit 3)\n");
  }

  @Test
  void allWithoutAListIsTheSyncSectionsMirror() throws Exception {
    Path single = tmp.resolve("single.yaml");
    Files.writeString(
        single,
        "sync:\n  root: %s\n  upstream: %s\n  dists: [dists/bookworm]\n  keyring: %s\n"
            .formatted(tmp.resolve("one"), debian.uri(), tmp.resolve("debian.gpg")));
    Cli.Run r = Cli.run("sync", "--config", single.toString(), "--all");
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(tmp.resolve("one/dists/bookworm/InRelease")).isRegularFile();
    Cli.Run named = Cli.run("sync", "--config", single.toString(), "--mirror", "x");
    assertThat(named.code()).isEqualTo(2);
    assertThat(named.err())
        .isEqualTo(
            "sync: --mirror: the config file has no mirrors list to choose from; without one, the"
                + " sync section is the one mirror\n");
  }

  @Test
  void planAllAsJsonIsOneDocumentByMirror() throws Exception {
    Cli.Run r = Cli.run("plan", "--config", config.toString(), "--all", "--json");
    assertThat(r.code()).as(r.all()).isZero();
    JsonNode plans = new ObjectMapper().readTree(r.out());
    assertThat(plans.fieldNames()).toIterable().containsExactly("debian", "maemo");
    assertThat(plans.get("debian").get("items")).as(r.out()).isNotEmpty();
    assertThat(plans.get("debian").get("upstream").asText()).isEqualTo(debian.uri().toString());
  }

  @Test
  void aPushOfOneArchiveSyncsThatMirrorAsRunmirrorsSendsIt() throws Exception {
    Cli.Run r = Cli.run("on-push", "--config", config.toString(), "sync:archive:maemo", "sync:all");
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).startsWith("on-push: maemo\n");
    assertThat(served.resolve("maemo/extras-devel/dists/fremantle/Release")).isRegularFile();
    assertThat(served.resolve("debian")).doesNotExist();
    assertThat(PushRequests.file(served.resolve("maemo")))
        .as("the push was served by the run it started")
        .doesNotExist();
  }

  @Test
  void aPushOfTheMainArchiveSyncsEveryMirrorAndSaysWhatItDoesNotDo() throws Exception {
    Cli.Run r =
        Cli.run(
            "on-push",
            "--config",
            config.toString(),
            "sync:archive:",
            "sync:callback",
            "sync:stage1");
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out())
        .startsWith(
            "on-push: every mirror\n"
                + "on-push: sync:callback: not supported, no callback is made\n"
                + "on-push: sync:stage1: repomirror syncs in one stage, so a whole sync runs\n")
        .endsWith("sync: all 2 mirrors done\n");
    assertThat(served.resolve("debian/dists/bookworm/InRelease")).isRegularFile();
    assertThat(served.resolve("maemo/extras-devel/dists/fremantle/Release")).isRegularFile();
  }

  @Test
  void aPushAskingForAnythingElseRunsNothing() {
    Cli.Run shell = Cli.run("on-push", "--config", config.toString(), "sync:all", "/bin/sh");
    assertThat(shell.code()).isEqualTo(2);
    assertThat(shell.err())
        .isEqualTo(
            "on-push: refused '/bin/sh': a push may ask for sync:all, sync:archive:NAME,"
                + " sync:stage1, sync:stage2, sync:callback or sync:mhop only\n");
    Cli.Run unknown = Cli.run("on-push", "--config", config.toString(), "sync:archive:ubuntu");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err())
        .isEqualTo("on-push: sync:archive:ubuntu: no such mirror; its mirrors are debian, maemo\n");
    assertThat(served).doesNotExist();
  }
}
