package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.reliability.SyncProcess;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;

/**
 * A sync running in a process of its own, held in the middle of a download, as a long sync is: a
 * second sync says who holds the mirror and since when, {@code status} shows the sync in progress,
 * and a push that comes meanwhile makes the running sync run again once it is done.
 */
class RunningSyncTest {
  @TempDir Path tmp;

  @Test
  void aSecondSyncNamesTheHolderStatusShowsItAndAPushMakesItRunAgain() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path upstreamRoot = tmp.resolve("upstream");
    SampleRepository.modern(upstreamRoot, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 20_000)
        .write();
    Path mirror = tmp.resolve("mirror");
    Path config = tmp.resolve("repomirror.yaml");
    CountDownLatch release = new CountDownLatch(1);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      upstream.holdFirst(p -> p.endsWith(".deb"), new CountDownLatch(1), release);
      Files.writeString(
          config,
          "sync:\n  root: %s\n  upstream: %s\n  dists: [dists/stable]\n  keyring: %s\n"
              .formatted(
                  mirror, upstream.uri(), key.writePublicKeyring(tmp.resolve("archive.gpg"))));
      Path log = tmp.resolve("first.log");
      Process first =
          SyncProcess.start(List.of("sync", "--config", config.toString(), "--all"), null, log);
      try {
        String holder = awaitHolder(mirror.resolve(".repomirror/lock"), first);
        assertThat(holder).startsWith("process " + first.pid() + " since ");

        Cli.Run second = Cli.run("sync", "--config", config.toString(), "--all");
        assertThat(second.code()).isEqualTo(4);
        assertThat(second.err())
            .isEqualTo(
                "sync: refused to start, nothing changed: another sync holds "
                    + mirror
                    + " ("
                    + holder
                    + ")\n");

        Cli.Run status = Cli.run("status", "--root", mirror.toString());
        assertThat(status.code()).as(status.all()).isZero();
        assertThat(status.out()).startsWith("Sync in progress: " + holder + "\n");

        Cli.Run push = Cli.run("on-push", "--config", config.toString(), "sync:all");
        assertThat(push.code()).as(push.all()).isZero();
        assertThat(push.out())
            .contains(
                "sync: another sync holds "
                    + mirror
                    + " ("
                    + holder
                    + "); it runs again when done, for this push");
        assertThat(PushRequests.file(mirror)).as("left for the running sync").exists();
      } finally {
        release.countDown();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("the held sync ends").isTrue();
      }
      String output = Files.readString(log);
      assertThat(first.exitValue()).as(output).isZero();
      assertThat(output).contains("sync: the upstream pushed again during the run: syncing again");
      assertThat(PushRequests.file(mirror)).as("served by the second run").doesNotExist();
      assertThat(mirror.resolve("dists/stable/InRelease")).isRegularFile();
      Cli.Run after = Cli.run("status", "--root", mirror.toString());
      assertThat(after.out()).startsWith("Last runs:\n");
    }
  }

  /** The holder's line in the lock file, once the process has written it (at most 60 s). */
  private static String awaitHolder(Path lock, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && process.isAlive()) {
      if (Files.exists(lock)) {
        String line = Files.readString(lock).strip();
        if (!line.isEmpty()) return line;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the sync never took the mirror (alive: " + process.isAlive() + ")");
  }
}
