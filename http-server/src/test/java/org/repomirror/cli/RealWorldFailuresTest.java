package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.TreeSnapshot;

/**
 * The paths that broke against archives laid out as real ones are (issue 11), each through the
 * command line as an admin runs it. Every test here failed on the engine before its rebuild.
 */
class RealWorldFailuresTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  private Path upstream() {
    return tmp.resolve("upstream");
  }

  private Path mirror() {
    return tmp.resolve("mirror");
  }

  private Path keyring() throws Exception {
    Path k = tmp.resolve("archive.gpg");
    return Files.exists(k) ? k : key.writePublicKeyring(k);
  }

  /** Two suites whose indexes point into one pool, sharing {@code hello}. */
  private void sharedPool() throws Exception {
    SampleRepository.modern(upstream(), "stable")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 30_000)
        .add("tzdata", "2026a-1", "all", "main", 1000)
        .write();
    SampleRepository.modern(upstream(), "testing")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 30_000)
        .add("newcomer", "1.0", "amd64", "main", 2000)
        .write();
  }

  private List<String> args(String command, String upstreamUrl, String... more) throws Exception {
    List<String> a = new ArrayList<>(List.of(command, "--upstream", upstreamUrl));
    a.addAll(List.of("--root", mirror().toString(), "--keyring", keyring().toString()));
    a.addAll(List.of(more));
    return a;
  }

  /** 1. A plan over suites sharing one pool plans the shared file once, and does not abort. */
  @Test
  void aPlanOverSuitesSharingOnePool() throws Exception {
    sharedPool();
    try (ScriptedUpstream up = new ScriptedUpstream(upstream())) {
      Cli.Run plan =
          Cli.run(
              args(
                  "plan",
                  up.uri().toString(),
                  "--dist",
                  "dists/stable",
                  "--dist",
                  "dists/testing",
                  "--json"));
      assertThat(plan.code()).as(plan.all()).isZero();
      JsonNode p = JSON.readTree(plan.out());
      assertThat(p.path("poolFiles").asLong()).as("hello, tzdata, newcomer").isEqualTo(3);
      assertThat(p.path("items").get(0).path("fetchFiles").asLong())
          .isEqualTo(p.path("items").get(0).path("files").asLong());
      Cli.Run sync =
          Cli.run(
              args(
                  "sync",
                  up.uri().toString(),
                  "--dist",
                  "dists/stable",
                  "--dist",
                  "dists/testing"));
      assertThat(sync.code()).as(sync.all()).isZero();
    }
  }

  /** 2. A trust failure leaves the served tree as it was, byte for byte, our own files included. */
  @Test
  void aTrustFailureWritesNothingIntoTheServedTree() throws Exception {
    SampleRepository.modern(upstream(), "stable")
        .signedBy(key)
        .add("hello", "1.0", "amd64", "main", 3000)
        .write();
    try (ScriptedUpstream up = new ScriptedUpstream(upstream())) {
      List<String> sync = args("sync", up.uri().toString(), "--dist", "dists/stable");
      Path inRelease = upstream().resolve("dists/stable/InRelease");
      String good = Files.readString(inRelease);
      Files.writeString(inRelease, good.replace("Suite: stable", "Suite: stab1e"));
      Cli.Run fresh = Cli.run(sync);
      assertThat(fresh.code()).as(fresh.all()).isEqualTo(3);
      try (Stream<Path> top = Files.list(mirror())) {
        assertThat(top.map(p -> p.getFileName().toString()).toList())
            .as("a fresh mirror holds no manifest, no trace, nothing")
            .containsOnly(".repomirror");
      }
      assertThat(fresh.out()).doesNotContain("signatures verified").contains("FAILED");

      Files.writeString(inRelease, good);
      assertThat(Cli.run(sync).code()).isZero();
      Map<String, String> before = TreeSnapshot.of(mirror(), 1);
      before.putAll(ownOutputs());
      Thread.sleep(1100);
      SampleRepository.modern(upstream(), "stable")
          .signedBy(key)
          .add("hello", "2.0", "amd64", "main", 3000)
          .write();
      Files.writeString(
          inRelease, Files.readString(inRelease).replace("Suite: stable", "Suite: stab1e"));
      assertThat(Cli.run(sync).code()).isEqualTo(3);
      Map<String, String> after = TreeSnapshot.of(mirror(), 1);
      after.putAll(ownOutputs());
      assertThat(after).isEqualTo(before);
    }
  }

  private Map<String, String> ownOutputs() throws Exception {
    Map<String, String> own = new java.util.TreeMap<>();
    Path project = mirror().resolve("project");
    if (!Files.exists(project)) return own;
    try (Stream<Path> walk = Files.walk(project)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        own.put(
            mirror().relativize(p).toString(),
            SampleRepository.hex("SHA-256", Files.readAllBytes(p))
                + " "
                + Files.getLastModifiedTime(p));
      }
    }
    return own;
  }

  /**
   * 3. Tree mode converges on an old host whose listing shows entries it then refuses: a dangling
   * link (404), a file the server may not read (403), a file removed between listing and fetch.
   * They are warnings; the changed dists/ beside them are published.
   */
  @Test
  void treeModeConvergesWhenTheUpstreamRefusesListedEntries() throws Exception {
    SampleRepository.modern(upstream(), "frozen")
        .signedBy(key)
        .add("old", "1.0", "amd64", "main", 2000)
        .write();
    Files.writeString(upstream().resolve("notes.txt"), "notes");
    Files.writeString(upstream().resolve("vanishing.txt"), "here for the listing only");
    Files.writeString(upstream().resolve("locked.bin"), "root only");
    Files.createSymbolicLink(upstream().resolve("dangling"), Path.of("nowhere.txt"));
    try (ScriptedUpstream up = new ScriptedUpstream(upstream())) {
      up.fail("locked.bin", ScriptedUpstream.Fault.FORBIDDEN, 1000);
      up.beforeFirst(
          p -> p.equals("vanishing.txt"), () -> delete(upstream().resolve("vanishing.txt")));
      List<String> sync =
          args("sync", up.uri().toString(), "--mode", "tree", "--tree-source", "autoindex");
      for (int run = 1; run <= 2; run++) {
        Cli.Run r = Cli.run(sync);
        assertThat(r.code()).as("run " + run + ": " + r.all()).isZero();
        assertThat(mirror().resolve("dists/frozen/InRelease")).as("run " + run).exists();
        assertThat(mirror().resolve("notes.txt")).exists();
        assertThat(r.out())
            .contains("not mirrored " + (run == 1 ? 3 : 2))
            .contains("not mirrored: locked.bin: listed, then refused by the upstream (HTTP 403)")
            .contains("not mirrored: dangling: listed, then refused by the upstream (HTTP 404)");
      }
    }
    // From a directory, a dangling link that stays inside the tree is kept as a link (rsync -a).
    Path local = tmp.resolve("from-directory");
    Cli.Run r =
        Cli.run(
            "sync",
            "--mode",
            "tree",
            "--upstream",
            upstream().toUri().toString(),
            "--root",
            local.toString());
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(Files.readSymbolicLink(local.resolve("dangling"))).isEqualTo(Path.of("nowhere.txt"));
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * 4. A legacy suite whose Release lists its own earlier Release is published, as apt takes it.
   */
  @Test
  void aLegacySuiteWhoseReleaseListsItselfIsPublished() throws Exception {
    SampleRepository.legacy(upstream().resolve("extras-devel"), "fremantle")
        .components("free")
        .architectures("armel")
        .signedBy(key)
        .selfListing()
        .add("maemo-hello", "0.1-1maemo1", "armel", "free", 5000)
        .write();
    try (ScriptedUpstream up = new ScriptedUpstream(upstream())) {
      Cli.Run r =
          Cli.run(args("sync", up.uri().toString(), "--dist", "extras-devel/dists/fremantle"));
      assertThat(r.code()).as(r.all()).isZero();
      assertThat(r.out()).contains("published").contains("lists Release, Release.gpg of its own");
      assertThat(Files.readAllBytes(mirror().resolve("extras-devel/dists/fremantle/Release")))
          .isEqualTo(
              Files.readAllBytes(upstream().resolve("extras-devel/dists/fremantle/Release")));
      Cli.Run verify =
          Cli.run("verify", "--root", mirror().toString(), "--keyring", keyring().toString());
      assertThat(verify.code()).as(verify.all()).isZero();
    }
  }

  /**
   * 7. Every sync checks that each file the published indexes reference is on disk; one lost behind
   * the mirror's back is fetched again, and a final sync does not call the mirror identical without
   * it.
   */
  @Test
  void aFileTheMirrorLostIsFetchedAgainEvenWhenTheSuiteIsUnchanged() throws Exception {
    sharedPool();
    String hello = "pool/main/h/hello/hello_2.10-3_amd64.deb";
    try (ScriptedUpstream up = new ScriptedUpstream(upstream())) {
      List<String> sync = args("sync", up.uri().toString(), "--dist", "dists/stable");
      assertThat(Cli.run(sync).code()).isZero();
      Files.delete(mirror().resolve(hello));
      Cli.Run again = Cli.run(sync);
      assertThat(again.code()).as(again.all()).isZero();
      assertThat(again.out()).contains("unchanged").contains("1 fetched again");
      assertThat(Files.readAllBytes(mirror().resolve(hello)))
          .isEqualTo(Files.readAllBytes(upstream().resolve(hello)));

      Files.delete(mirror().resolve(hello));
      List<String> last = new ArrayList<>(sync);
      last.add("--final");
      Cli.Run verdict = Cli.run(last);
      assertThat(verdict.code()).as(verdict.all()).isZero();
      assertThat(mirror().resolve(hello)).exists();
      assertThat(verdict.out())
          .contains("verdict: identical")
          .contains("on disk with its recorded size");
    }
  }

  /** 7b. A file the upstream lost while its own index still lists it is a difference. */
  @Test
  void aFileTheUpstreamLostIsADifferenceNotIdentical() throws Exception {
    sharedPool();
    String newcomer = "pool/main/n/newcomer/newcomer_1.0_amd64.deb";
    try (ScriptedUpstream up = new ScriptedUpstream(upstream())) {
      List<String> sync =
          args(
              "sync",
              up.uri().toString(),
              "--mode",
              "tree",
              "--tree-source",
              "autoindex",
              "--dist",
              "dists/testing");
      assertThat(Cli.run(sync).code()).isZero();
      Files.delete(upstream().resolve(newcomer));
      List<String> last = new ArrayList<>(sync);
      last.add("--final");
      Cli.Run verdict = Cli.run(last);
      assertThat(verdict.code()).as(verdict.all()).isEqualTo(1);
      assertThat(verdict.out())
          .contains(
              "difference: "
                  + newcomer
                  + ": an index references it, but the upstream's listing lacks it")
          .doesNotContain("verdict: identical");
    }
  }

  /**
   * 10. An index lists a file the upstream does not have, as the first sync of a new mirror meets
   * it: the run says nothing is published yet and how to publish without it; published so, verify
   * finds the mirror intact. Before, it said "the previous metadata stays published" of a suite
   * never published, and verify called the mirror DAMAGED for the file it was allowed to lack.
   */
  @Test
  void aSuitePublishedWithoutAMissingFileVerifiesIntact() throws Exception {
    sharedPool();
    String missing = "pool/main/t/tzdata/tzdata_2026a-1_all.deb";
    Files.delete(upstream().resolve(missing));
    try (ScriptedUpstream up = new ScriptedUpstream(upstream())) {
      Cli.Run first = Cli.run(args("sync", up.uri().toString(), "--dist", "dists/stable"));
      assertThat(first.code()).isEqualTo(1);
      assertThat(first.err())
          .isEqualTo(
              "sync: problems: dists/stable: not-published: 1 file(s) bad or missing; nothing of"
                  + " it is published yet (--allow-errors 1 publishes it without them)\n");
      Cli.Run allowed =
          Cli.run(
              args("sync", up.uri().toString(), "--dist", "dists/stable", "--allow-errors", "1"));
      assertThat(allowed.out()).containsPattern("dists/stable +published");
      Cli.Run verify =
          Cli.run(
              "verify", "--root", mirror().toString(), "--full", "--keyring", keyring().toString());
      assertThat(verify.code()).as(verify.all()).isZero();
      assertThat(verify.out()).startsWith("intact: ");
      Files.delete(mirror().resolve("pool/main/h/hello/hello_2.10-3_amd64.deb"));
      Cli.Run damaged = Cli.run("verify", "--root", mirror().toString());
      assertThat(damaged.code())
          .as("a file it was not allowed to lack is still damage")
          .isEqualTo(1);
    }
  }

  /** 8. A plan against an upstream that does not answer says so, in words, and exits 1. */
  @Test
  void aPlanAgainstAnUnreachableUpstreamFails() throws Exception {
    Cli.Run plan = Cli.run(args("plan", "http://127.0.0.1:1/", "--dist", "dists/stable"));
    assertThat(plan.code()).as(plan.all()).isEqualTo(1);
    assertThat(plan.out())
        .contains("unreachable")
        .contains("cannot connect")
        .doesNotContain("Exception");
    assertThat(plan.err()).contains("dists/stable");
  }

  /**
   * 9. The summaries say what happened: no "verified" after a Release that answered 404, the reason
   * of exit 1 on standard error, and the same counts per suite in plan, sync and status.
   */
  @Test
  void theSummariesAgreeWithWhatHappened() throws Exception {
    sharedPool();
    try (ScriptedUpstream up = new ScriptedUpstream(upstream())) {
      Cli.Run missing = Cli.run(args("sync", up.uri().toString(), "--dist", "dists/nothing"));
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.out()).doesNotContain("signatures verified").contains("not checked");
      assertThat(missing.err())
          .as("not found, told apart from unreachable")
          .isEqualTo(
              "sync: problems: dists/nothing: not-found: the upstream has neither"
                  + " dists/nothing/InRelease nor dists/nothing/Release: is --dist right?\n");

      List<String> both = List.of("--dist", "dists/stable", "--dist", "dists/testing");
      List<String> plan = args("plan", up.uri().toString(), both.toArray(String[]::new));
      plan.add("--json");
      JsonNode planned = JSON.readTree(Cli.run(plan).out());
      Path report = tmp.resolve("sync.json");
      List<String> sync = args("sync", up.uri().toString(), both.toArray(String[]::new));
      sync.addAll(List.of("--report", report.toString()));
      assertThat(Cli.run(sync).code()).isZero();
      JsonNode synced = JSON.readTree(report.toFile());
      JsonNode status =
          JSON.readTree(Cli.run("status", "--root", mirror().toString(), "--json").out());
      for (int i = 0; i < 2; i++) {
        String dist = synced.path("suites").get(i).path("dist").asText();
        long files = synced.path("suites").get(i).path("files").asLong();
        assertThat(planned.path("items").get(i).path("files").asLong()).as(dist).isEqualTo(files);
        for (JsonNode s : status.path("suites")) {
          if (s.path("dist").asText().equals(dist)) {
            assertThat(s.path("files").asLong()).as(dist).isEqualTo(files);
          }
        }
      }
      assertThat(synced.path("filesFetched").asLong())
          .as("distinct: the shared pool file once")
          .isEqualTo(planned.path("fetchFiles").asLong());
    }
  }
}
