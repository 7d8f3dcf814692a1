package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.reliability.SyncProcess;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;

/**
 * Ctrl-C in the middle of a sync, sent to a sync in a process of its own while one download is
 * held: it stops, publishes nothing half-done, prints one line on what it keeps, releases the lock
 * and leaves a record that {@code status} shows; the next run resumes and counts each file once.
 */
class InterruptedSyncTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void ctrlCStopsCleanlyAndTheNextRunResumesCountingEachFileOnce() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path upstreamRoot = tmp.resolve("upstream");
    for (String suite : List.of("stable", "testing")) {
      SampleRepository r =
          SampleRepository.modern(upstreamRoot, suite)
              .components("main")
              .architectures("amd64")
              .signedBy(key);
      for (int i = 0; i < 20; i++) r.add("shared" + i, "1.0", "amd64", "main", 30_000);
      for (int i = 0; i < 5; i++) r.add(suite + "-only" + i, "1.0", "amd64", "main", 30_000);
      r.write();
    }
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Path mirror = tmp.resolve("mirror");
    List<String> sync =
        List.of(
            "sync",
            "--root",
            mirror.toString(),
            "--dist",
            "dists/stable",
            "--dist",
            "dists/testing",
            "--keyring",
            keyring.toString(),
            "--connections",
            "2");
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      upstream.holdFirst(p -> p.contains("shared7_"), reached, release);
      List<String> args = new ArrayList<>(sync);
      args.addAll(List.of("--upstream", upstream.uri().toString()));
      Path log = tmp.resolve("sync.log");
      Process first = SyncProcess.start(args, null, log);
      try {
        assertThat(reached.await(60, TimeUnit.SECONDS))
            .as("the sync reaches the held file")
            .isTrue();
        Thread.sleep(500); // the other connection goes on meanwhile
        new ProcessBuilder("kill", "-INT", Long.toString(first.pid())).start().waitFor();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("Ctrl-C stops the sync").isTrue();
      } finally {
        release.countDown();
        first.destroyForcibly();
      }
      String output = Files.readString(log);
      assertThat(first.exitValue()).as(output).isEqualTo(130);
      List<String> said = output.lines().filter(l -> l.startsWith("sync: interrupted: ")).toList();
      assertThat(said).as(output).hasSize(1);
      assertThat(said.getFirst())
          .matches(
              "sync: interrupted: 0 new files published stay; kept for the next run: [1-9]\\d*"
                  + " verified files \\(.* MB\\) and \\d+ partial downloads \\(.* MB\\) in"
                  + " staging; no suite was published half-done");
      assertThat(mirror.resolve("dists")).as("no suite published").doesNotExist();
      assertThat(Files.readString(mirror.resolve(".repomirror/lock")))
          .as("the lock names no one")
          .isEmpty();

      Cli.Run status = Cli.run("status", "--root", mirror.toString());
      assertThat(status.out())
          .containsPattern(
              "(?m)^  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ apt  interrupted +published 0 new"
                  + " files; kept in staging for the next run: [1-9]\\d* verified files and \\d+"
                  + " partial downloads");

      upstream.clearRequests();
      Path report = tmp.resolve("rerun.json");
      List<String> rerun = new ArrayList<>(args);
      rerun.addAll(List.of("--report", report.toString()));
      Cli.Run second = Cli.run(rerun);
      assertThat(second.code()).as(second.all()).isZero();
      JsonNode resumed = JSON.readTree(report.toFile());
      long poolRequests =
          upstream.requests().stream().filter(r -> r.path().endsWith(".deb")).count();
      assertThat(poolRequests)
          .as("files verified before Ctrl-C are not fetched again")
          .isLessThan(30);

      Path fresh = tmp.resolve("fresh.json");
      List<String> other = new ArrayList<>(args);
      other.set(2, tmp.resolve("other-mirror").toString());
      other.addAll(List.of("--report", fresh.toString()));
      assertThat(Cli.run(other).code()).isZero();
      JsonNode whole = JSON.readTree(fresh.toFile());
      assertThat(resumed.path("filesFetched").asLong())
          .as("the resumed run counts each file once, as a fresh sync does")
          .isEqualTo(whole.path("filesFetched").asLong())
          .isEqualTo(mirroredFiles(mirror));
      for (int i = 0; i < 2; i++) {
        assertThat(resumed.path("suites").get(i).path("fetched").asLong())
            .isEqualTo(whole.path("suites").get(i).path("fetched").asLong());
      }
    }
  }

  /** The upstream's files in a mirror: every regular file but its own state and outputs. */
  private static long mirroredFiles(Path mirror) throws Exception {
    try (Stream<Path> walk = Files.walk(mirror)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> mirror.relativize(p).toString())
          .filter(p -> !p.startsWith(".repomirror/") && !p.startsWith("project/"))
          .filter(p -> !p.endsWith("/.repomirror-generation"))
          .count();
    }
  }
}
