package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.repomirror.cli.Cli.run;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli.Run;
import org.repomirror.testing.RsyncDaemon;

/** Help and errors as a new admin meets them: the user's words, one prefix, nothing of Java. */
class MessagesTest {
  @TempDir Path tmp;

  @Test
  void everyHelpStartsWithUsageThenSaysWhatTheCommandDoesInWholeLines() {
    for (String command : List.of("demo", "serve", "sync", "plan", "verify", "status", "on-push")) {
      Run r = run(command, "--help");
      List<String> lines = r.out().lines().toList();
      assertThat(lines.getFirst()).as(command).startsWith("Usage: repomirror " + command + " ");
      assertThat(lines)
          .as(command + ": no line wider than the help")
          .allMatch(l -> l.length() <= 80);
      int usageEnd = lines.indexOf("");
      assertThat(usageEnd).as(command + ": a blank line after the usage").isPositive();
      assertThat(lines.get(usageEnd + 1))
          .as(command + ": the one-line summary after the usage")
          .isNotBlank()
          .doesNotStartWith(" ");
      // A description wrapped twice leaves lines broken short of the width inside a paragraph.
      int options = usageEnd;
      while (options < lines.size() && !lines.get(options).matches("^\\s+-.*")) options++;
      for (int i = usageEnd + 1; i + 1 < options; i++) {
        if (lines.get(i).isBlank() || lines.get(i + 1).isBlank()) continue;
        assertThat(lines.get(i).length())
            .as(command + ": '" + lines.get(i) + "' is broken short of the width")
            .isGreaterThan(55);
      }
    }
    assertThat(run("sync", "--help").out()).contains("2026-11-27T17:00:00Z");
  }

  @Test
  void planOffersOnlyWhatMeansSomethingToAPlan() {
    String help = run("plan", "--help").out();
    assertThat(help).contains("--upstream", "--dist", "--json", "--mirror", "--max-delete");
    for (String syncOnly :
        List.of("--policy", "--allow-errors", "--hostname", "--final", "--at", "--metrics-file")) {
      assertThat(help).as(syncOnly).doesNotContain(syncOnly + "=").doesNotContain(syncOnly + " ");
    }
    // Still taken, so that the sync's own command line plans it.
    Run r = run("plan", "--policy", "strict", "--hostname", "new-host", "--allow-errors", "2");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("plan: --root is required (or sync.root in the config file)\n");
    assertThat(run("plan", "--final").err())
        .isEqualTo("plan: unknown option '--final' (see --help)\n");
  }

  @Test
  void serveOnAMissingRootSaysToSyncIntoItOrCreateIt() {
    Path missing = tmp.resolve("srv/mirror");
    Run r = run("serve", "--root", missing.toString(), "--listen", "127.0.0.1:0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "serve: --root "
                + missing
                + " does not exist: sync a mirror into it first (repomirror sync --root "
                + missing
                + " --upstream URL --dist dists/SUITE --keyring FILE), or create it; repomirror"
                + " demo shows the whole job on a sample archive\n");
  }

  @Test
  void serveOnAnEmptyRootServesAndSaysWhatComesNext() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path log = tmp.resolve("serve.log");
    Process serve =
        org.repomirror.reliability.SyncProcess.start(
            List.of(
                "serve",
                "--root",
                empty.toString(),
                "--listen",
                "127.0.0.1:0",
                "--admin-listen",
                "127.0.0.1:0"),
            null,
            log);
    try {
      String expected =
          empty
              + " is empty: every request gets 404 until a sync publishes into it (repomirror"
              + " sync --root "
              + empty
              + " ...)";
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      String output = "";
      while (System.nanoTime() < deadline && !output.contains(expected) && serve.isAlive()) {
        Thread.sleep(50);
        output = Files.exists(log) ? Files.readString(log) : "";
      }
      assertThat(output).contains(expected);
      assertThat(serve.isAlive()).as("it serves on").isTrue();
    } finally {
      serve.destroy();
      serve.waitFor();
    }
  }

  @Test
  void aListenerThatCannotBindIsNamed() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      String port = "127.0.0.1:" + taken.getLocalPort();
      Run main =
          run(
              "serve",
              "--root",
              root.toString(),
              "--listen",
              port,
              "--admin-listen",
              "127.0.0.1:0");
      assertThat(main.code()).isEqualTo(1);
      assertThat(main.err())
          .isEqualTo(
              "serve: cannot listen on "
                  + port
                  + " (the public listener, --listen or server.listen): the address is in use,"
                  + " by another server?\n");
      Run admin =
          run(
              "serve",
              "--root",
              root.toString(),
              "--listen",
              "127.0.0.1:0",
              "--admin-listen",
              port);
      assertThat(admin.code()).isEqualTo(1);
      assertThat(admin.err())
          .isEqualTo(
              "serve: cannot listen on "
                  + port
                  + " (the admin listener, --admin-listen or server.admin-listen): the address is"
                  + " in use, by another server?\n");
    }
  }

  @Test
  void anUpstreamThatIsNoURLIsSaidSoWithoutJava() {
    Run spaced =
        run(
            "sync",
            "--root",
            tmp.toString(),
            "--upstream",
            "repository.maemo.org/a b",
            "--dist",
            "dists/x");
    assertThat(spaced.code()).isEqualTo(2);
    assertThat(spaced.err())
        .isEqualTo(
            "sync: --upstream: not a URL: 'repository.maemo.org/a b' (illegal character in path"
                + " at character 23) (see --help)\n");
    Run bare =
        run(
            "sync",
            "--root",
            tmp.toString(),
            "--upstream",
            "repository.maemo.org",
            "--dist",
            "dists/x");
    assertThat(bare.code()).isEqualTo(2);
    assertThat(bare.err())
        .isEqualTo(
            "sync: --upstream: must be an http://, https://, rsync:// or ssh:// URL (file:// only"
                + " with --mode tree), got 'repository.maemo.org'; did you mean"
                + " http://repository.maemo.org?\n");
    Run address =
        run("sync", "--root", tmp.toString(), "--upstream", "127.0.0.1:8080/", "--dist", "dists/x");
    assertThat(address.code()).isEqualTo(2);
    assertThat(address.err())
        .isEqualTo(
            "sync: --upstream: '127.0.0.1:8080/' has no scheme; did you mean"
                + " http://127.0.0.1:8080/? (see --help)\n");
    Run hostPort =
        run("sync", "--root", tmp.toString(), "--upstream", "localhost:8080", "--dist", "dists/x");
    assertThat(hostPort.err())
        .isEqualTo(
            "sync: --upstream: must be an http://, https://, rsync:// or ssh:// URL (file:// only"
                + " with --mode tree), got 'localhost:8080'; did you mean http://localhost:8080?\n");
    assertThat(spaced.err() + bare.err() + address.err())
        .doesNotContain("Exception")
        .doesNotContain("java.")
        .doesNotContain("scheme name");
  }

  @Test
  void aStoreThatIsNoBucketIsSaidSoBeforeAnythingRuns() {
    List<String> sync =
        List.of("sync", "--root", tmp.toString(), "--upstream", "http://h/", "--dist", "dists/x");
    Run path = run(concat(sync, "--store", "/srv/bucket"));
    assertThat(path.code()).isEqualTo(2);
    assertThat(path.err())
        .isEqualTo("sync: --store: must be s3://BUCKET[/PREFIX], got '/srv/bucket'\n");
    Run endpointAlone = run(concat(sync, "--s3-endpoint", "http://127.0.0.1:7480"));
    assertThat(endpointAlone.code()).isEqualTo(2);
    assertThat(endpointAlone.err())
        .isEqualTo("sync: --store: --s3-endpoint needs --store s3://BUCKET[/PREFIX]\n");
  }

  private static List<String> concat(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }

  /**
   * An rsync upstream without a module is refused before anything runs; a module the daemon
   * refuses, and a host where none listens, end the sync in the daemon's and rsync's own words,
   * with nothing deleted.
   */
  @Test
  void anRsyncUpstreamThatCannotServeIsSaidInRsyncsWords() throws Exception {
    Path upstream = Files.createDirectories(tmp.resolve("old-host/pool"));
    Files.writeString(upstream.resolve("a.deb"), "a");
    Run noModule =
        run(
            "sync",
            "--mode",
            "tree",
            "--root",
            tmp.resolve("m").toString(),
            "--upstream",
            "rsync://127.0.0.1");
    assertThat(noModule.code()).isEqualTo(2);
    assertThat(noModule.err())
        .isEqualTo(
            "sync: --upstream: names no module: 'rsync://127.0.0.1'; e.g."
                + " rsync://host/debian/\n");
    try (RsyncDaemon daemon = RsyncDaemon.serve(upstream.getParent(), tmp)) {
      Run refused = treeSyncFromRsync(daemon.module("closed").toString());
      assertThat(refused.code()).as(refused.all()).isEqualTo(1);
      assertThat(refused.err())
          .contains("sync: problems: the tree listing failed: ")
          .contains("ERROR: access denied to closed from localhost (127.0.0.1)")
          .doesNotContain("Exception");
    }
    int nobody;
    try (ServerSocket s = new ServerSocket(0)) {
      nobody = s.getLocalPort();
    }
    Run down = treeSyncFromRsync("rsync://127.0.0.1:" + nobody + "/archive/");
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err())
        .contains("failed to connect to 127.0.0.1")
        .contains("Connection refused");
    assertThat(tmp.resolve("m/pool")).as("nothing was mirrored").doesNotExist();
  }

  private Run treeSyncFromRsync(String upstream) {
    return run(
        "sync",
        "--mode",
        "tree",
        "--tree-source",
        "rsync",
        "--root",
        tmp.resolve("m").toString(),
        "--upstream",
        upstream);
  }

  @Test
  void everyErrorHasTheCommandsOwnPrefix() {
    Run typo = run("sync", "--dists", "dists/stable");
    assertThat(typo.err())
        .isEqualTo("sync: unknown option '--dists'; did you mean --dist? (see --help)\n");
    Run value = run("sync", "--connections", "many");
    assertThat(value.err()).startsWith("sync: --connections: ");
  }

  @Test
  void aStartTimeInThePastIsRefused() {
    Run r =
        run(
            "sync",
            "--root",
            tmp.toString(),
            "--upstream",
            "http://127.0.0.1:9/",
            "--dist",
            "dists/stable",
            "--no-verify-signature",
            "--at",
            "2020-01-01T00:00:00Z");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("sync: --at 2020-01-01T00:00:00Z is ")
        .endsWith(" ago; give a time to come, or leave --at out to start now\n");
    assertThat(tmp.resolve(".repomirror")).as("nothing touched").doesNotExist();
  }
}
