package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.report.TraceFile;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;

/** plan, then sync --final, through the command line, from an old host's directory. */
class FinalSyncCliTest {
  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  private List<String> args(String command, Path old, Path mirror, Path keyring, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                command,
                "--mode",
                "tree",
                "--upstream",
                old.toUri().toString(),
                "--root",
                mirror.toString(),
                "--dist",
                "dists/stable",
                "--keyring",
                keyring.toString(),
                "--hostname",
                "new-host"));
    a.addAll(List.of(more));
    return a;
  }

  @Test
  void planThenTheFinalSyncThenItsVerdictAndTrace() throws Exception {
    Path old = tmp.resolve("old");
    SampleRepository.modern(old, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 30_000)
        .write();
    Files.writeString(old.resolve("NOTES.html"), "notes");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Path mirror = tmp.resolve("mirror");

    Cli.Run plan = Cli.run(args("plan", old, mirror, keyring, "--json"));
    assertThat(plan.code()).as(plan.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(plan.out());
    assertThat(json.get("fetchFiles").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(json.get("items")).hasSize(2); // the suite and the tree
    assertThat(json.get("estimatedSeconds").asDouble()).isPositive();
    assertThat(mirror.resolve("NOTES.html")).doesNotExist();

    Cli.Run table = Cli.run(args("plan", old, mirror, keyring));
    assertThat(table.out()).contains("dists/stable").contains("tree (directory)").contains("total");
    try (java.util.stream.Stream<Path> staged = Files.walk(mirror.resolve(".repomirror/staging"))) {
      assertThat(staged.map(p -> mirror.relativize(p).toString()))
          .as("the plan's probe leaves staging as it found it, without empty folders")
          .containsExactly(".repomirror/staging");
    }

    // A window a few seconds from now: the sync waits for it, then runs.
    String window =
        java.time.Instant.now()
            .plusSeconds(3)
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString();
    Cli.Run last = Cli.run(args("sync", old, mirror, keyring, "--final", "--at", window));
    assertThat(last.code()).as(last.out() + last.err()).isZero();
    assertThat(last.out())
        .contains("waiting until " + window)
        .contains("starting at ")
        .contains("final sync:")
        .contains("planned ")
        .contains("fetched  NOTES.html")
        .contains("verdict: identical to upstream as of");
    TraceFile trace = TraceFile.parse(Files.readString(mirror.resolve("project/trace/new-host")));
    assertThat(trace.fields()).containsEntry("Running on host", "new-host");
    assertThat(Files.list(mirror.resolve(".repomirror/reports")))
        .anyMatch(p -> p.getFileName().toString().startsWith("final-"));

    Files.writeString(old.resolve("Archive-Update-in-Progress-old-host"), "");
    Cli.Run busy = Cli.run(args("sync", old, mirror, keyring, "--final"));
    assertThat(busy.code()).isEqualTo(5);
    assertThat(busy.err())
        .contains("refused to start")
        .contains("Archive-Update-in-Progress-old-host");
  }

  @Test
  void aBadStartTimeIsAUsageError() {
    Cli.Run run =
        Cli.run(
            List.of(
                "sync",
                "--upstream",
                "http://127.0.0.1:1/",
                "--root",
                tmp.toString(),
                "--dist",
                "dists/x",
                "--no-verify-signature",
                "--at",
                "tomorrow at five"));
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--at: not an ISO-8601 time");
  }

  /**
   * A final sync that syncs the suites again because the Release changed mid-run judges by the last
   * attempt: a file that failed the first time and arrives the second is no difference.
   */
  @Test
  void aRerunForgetsTheFailuresOfTheFirstAttempt() throws Exception {
    Path old = tmp.resolve("old");
    SampleRepository.modern(old, "stable")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 30_000)
        .add("newcomer", "1.0", "amd64", "main", 3000)
        .write();
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    try (ScriptedUpstream up = new ScriptedUpstream(old)) {
      String newcomer = "pool/main/n/newcomer/newcomer_1.0_amd64.deb";
      up.fail(newcomer, ScriptedUpstream.Fault.CORRUPT, 2); // both tries of the first attempt
      up.beforeFirst(
          p -> p.endsWith(".deb"),
          () -> {
            try {
              Thread.sleep(1100); // a new Date, so a new Release
              SampleRepository.modern(old, "stable")
                  .signedBy(key)
                  .add("hello", "2.10-3", "amd64", "main", 30_000)
                  .add("newcomer", "1.0", "amd64", "main", 3000)
                  .write();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      Cli.Run last =
          Cli.run(
              "sync",
              "--final",
              "--allow-errors",
              "1",
              "--upstream",
              up.uri().toString(),
              "--root",
              tmp.resolve("mirror").toString(),
              "--dist",
              "dists/stable",
              "--keyring",
              keyring.toString());
      assertThat(last.out()).contains("1 suite rerun(s)");
      assertThat(last.code()).as(last.all()).isZero();
      assertThat(last.out()).contains("verdict: identical").doesNotContain("difference:");
    }
  }
}
