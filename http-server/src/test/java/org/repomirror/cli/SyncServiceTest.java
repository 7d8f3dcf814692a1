package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.reliability.SyncProcess;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;

/**
 * A sync handed to the {@code serve} of its tree, each side in a process of its own: the sync runs
 * in the server's JVM, to its end even when the command that handed it is killed; two handed at
 * once run one after the other; relative paths are the command's; a server that went, or {@code
 * --in-process}, leaves the sync to the command.
 */
class SyncServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Path upstreamRoot;
  private Path mirror;

  @BeforeEach
  void archive() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    upstreamRoot = tmp.resolve("upstream");
    SampleRepository r =
        SampleRepository.modern(upstreamRoot, "stable")
            .components("main")
            .architectures("amd64")
            .signedBy(key);
    for (int i = 0; i < 12; i++) r.add("pkg" + i, "1.0", "amd64", "main", 20_000);
    r.write();
    key.writePublicKeyring(tmp.resolve("archive.gpg"));
    mirror = Files.createDirectories(tmp.resolve("mirror"));
  }

  @Test
  void aHandedSyncRunsInTheServerAndEndsThoughItsCommandIsKilled() throws Exception {
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Process serve = serve();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      upstream.holdFirst(p -> p.contains("pkg7_"), reached, release);
      Path log = tmp.resolve("sync.log");
      // Relative paths, from the command's folder: the server resolves them there.
      Process sync =
          SyncProcess.start(sync(upstream, "mirror", "archive.gpg"), null, log, Map.of(), tmp);
      try {
        assertThat(reached.await(60, TimeUnit.SECONDS))
            .as("the sync reaches the held file")
            .isTrue();
        awaitTrue(() -> said(log).contains("handed to the server"), "the command says so");
        assertThat(said(log)).contains("(pid " + serve.pid() + ")");
        awaitTrue(
            () -> said(log).contains("sync: progress: "), "the server relays the sync's progress");
        sync.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      } finally {
        release.countDown();
      }
      awaitTrue(
          () -> said(tmp.resolve("serve.log")).contains("the handed sync ended with exit code 0"),
          "the server runs the sync to its end after its command was killed");
      assertThat(mirror.resolve("dists/stable/InRelease")).exists();
      try (Stream<Path> debs = Files.walk(upstreamRoot.resolve("pool"))) {
        for (Path deb : debs.filter(Files::isRegularFile).toList()) {
          assertThat(mirror.resolve(upstreamRoot.relativize(deb)))
              .as("every package published")
              .hasSameBinaryContentAs(deb);
        }
      }
      assertThat(JSON.readTree(reports().getFirst().toFile()).path("outcome").asText())
          .isEqualTo("ok");

      Cli.Run own =
          Cli.run(withOption(sync(upstream, mirror.toString(), keyring()), "--in-process"));
      assertThat(own.code()).as(own.all()).isZero();
      assertThat(own.all()).doesNotContain("handed");
      assertThat(reports()).as("a report of its own").hasSize(2);

      // A command with a credential the server lacks keeps its sync: the server would not have it.
      Path credited = tmp.resolve("credited.log");
      Process withPassword =
          SyncProcess.start(
              sync(upstream, mirror.toString(), keyring()),
              null,
              credited,
              Map.of("RSYNC_PASSWORD", "the command's own"));
      assertThat(withPassword.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(withPassword.exitValue()).as(said(credited)).isZero();
      assertThat(said(credited)).doesNotContain("handed");
      assertThat(said(tmp.resolve("serve.log")))
          .contains("declined a handed sync, which runs in its own process: RSYNC_PASSWORD");
      assertThat(reports()).hasSize(3);

      // A config file with a path relative to the command's folder: the server would read it as
      // relative to its own, so the command keeps the sync.
      Files.writeString(
          tmp.resolve("relative.yaml"),
          "sync:\n  root: "
              + mirror
              + "\n  upstream: "
              + upstream.uri()
              + "\n  dists: [dists/stable]\n  keyring: archive.gpg\n");
      Path relative = tmp.resolve("relative.log");
      Process fromConfig =
          SyncProcess.start(
              List.of("sync", "--config", "relative.yaml"), null, relative, Map.of(), tmp);
      assertThat(fromConfig.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(fromConfig.exitValue()).as(said(relative)).isZero();
      assertThat(said(relative)).doesNotContain("handed");
      assertThat(reports()).hasSize(4);
      Process rootGiven =
          SyncProcess.start(
              List.of("sync", "--config", "relative.yaml", "--root", mirror.toString()),
              null,
              relative,
              Map.of(),
              tmp);
      assertThat(rootGiven.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(rootGiven.exitValue()).as(said(relative)).isZero();
      assertThat(said(relative)).as("--root given too").doesNotContain("handed");
      assertThat(reports()).hasSize(5);
    } finally {
      stop(serve);
    }
  }

  @Test
  void twoHandedAtOnceRunOneAfterTheOther_andAServerGoneLeavesTheSyncToTheCommand()
      throws Exception {
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Process serve = serve();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      upstream.holdFirst(p -> p.contains("pkg7_"), reached, release);
      Path firstLog = tmp.resolve("first.log");
      Path secondLog = tmp.resolve("second.log");
      List<String> args = sync(upstream, mirror.toString(), keyring());
      Process first = SyncProcess.start(args, null, firstLog);
      Process second;
      try {
        assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();
        second = SyncProcess.start(args, null, secondLog);
        awaitTrue(() -> said(secondLog).contains("it waits for the sync"), "the second waits");
        assertThat(second.isAlive()).as("it has not run meanwhile").isTrue();
      } finally {
        release.countDown();
      }
      assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).as(said(firstLog)).isZero();
      assertThat(second.exitValue()).as("not refused as busy: " + said(secondLog)).isZero();
      List<JsonNode> ran = new ArrayList<>();
      for (Path report : reports()) ran.add(JSON.readTree(report.toFile()));
      assertThat(ran).hasSize(2);
      ran.sort((a, b) -> a.path("started").asText().compareTo(b.path("started").asText()));
      assertThat(Instant.parse(ran.get(1).path("started").asText()))
          .as("the second started after the first finished")
          .isAfterOrEqualTo(Instant.parse(ran.get(0).path("finished").asText()));
      assertThat(ran.get(1).path("filesFetched").asLong())
          .as("the second found the first's work")
          .isZero();

      serve.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      assertThat(mirror.resolve(".repomirror/service.sock")).as("left by a kill").exists();
      Cli.Run alone = Cli.run(args);
      assertThat(alone.code()).as(alone.all()).isZero();
      assertThat(alone.all()).doesNotContain("handed");
    } finally {
      stop(serve);
    }
  }

  private Process serve() throws Exception {
    Process serve =
        SyncProcess.start(
            List.of(
                "serve",
                "--root",
                mirror.toString(),
                "--listen",
                "127.0.0.1:0",
                "--admin-listen",
                "127.0.0.1:0"),
            null,
            tmp.resolve("serve.log"));
    awaitTrue(
        () -> said(tmp.resolve("serve.log")).contains("when handed to it"),
        "the server takes syncs");
    return serve;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
  }

  private static List<String> sync(ScriptedUpstream upstream, String root, String keyring) {
    return List.of(
        "sync",
        "--root",
        root,
        "--upstream",
        upstream.uri().toString(),
        "--dist",
        "dists/stable",
        "--keyring",
        keyring,
        "--connections",
        "2");
  }

  private String keyring() {
    return tmp.resolve("archive.gpg").toString();
  }

  private static List<String> withOption(List<String> args, String option) {
    List<String> more = new ArrayList<>(args);
    more.add(option);
    return more;
  }

  private List<Path> reports() {
    Path reports = mirror.resolve(".repomirror/reports");
    if (!Files.isDirectory(reports)) return List.of();
    try (Stream<Path> files = Files.list(reports)) {
      return new ArrayList<>(
          files.filter(f -> f.getFileName().toString().startsWith("sync-")).sorted().toList());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String said(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
