package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Main;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.TestKey;
import org.repomirror.testing.TestRepository;

/**
 * Invariant 2 as clients live it: real apt-get clients loop on {@code update} and downloads against
 * the live server while sync publishes five new releases of the suite under them. Not one Hash Sum
 * mismatch, not one 404 on a file the served metadata references.
 */
class ConsistencyUnderLoadTest {
  private static final int RELEASES = 5;
  private static final int PACKAGES = 6;
  private static final int CLIENTS = 2;

  private static TestKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    AptGet.requireAptGet();
    key = TestKey.generateRsa("archive <a@example.org>");
  }

  private void release(Path upstream, int n) throws Exception {
    TestRepository r =
        TestRepository.modern(upstream, "stable")
            .components("main")
            .architectures("amd64")
            .signedBy(key)
            .seed(n);
    for (int i = 0; i < PACKAGES; i++) r.add("pkg" + i, "1." + n, "amd64", "main", 20_000 + n);
    r.write();
  }

  @Test
  void aptClientsNeverSeeAMismatchWhileReleasesArePublished() throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    Path mirror = tmp.resolve("mirror");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    release(upstreamRoot, 1);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      String[] sync = {
        "sync",
        "--root",
        mirror.toString(),
        "--upstream",
        upstream.uri().toString(),
        "--dist",
        "dists/stable",
        "--keyring",
        keyring.toString()
      };
      assertThat(run(sync)).isZero();
      try (RepoServer server = TestServers.start(mirror, AccessLog.OFF)) {
        String url = "http://127.0.0.1:" + server.address().getPort() + "/";
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger operations = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          AptGet apt =
              new AptGet(
                  tmp.resolve("apt" + c),
                  "amd64",
                  List.of("deb [signed-by=" + keyring + "] " + url + " stable main"),
                  List.of());
          clients.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        long deadline = System.nanoTime() + 120_000_000_000L;
                        while (!stop.get() && System.nanoTime() < deadline) {
                          try {
                            check(apt.run("update"), failures);
                            operations.incrementAndGet();
                            List<String> download = new ArrayList<>(List.of("download"));
                            for (int i = 0; i < PACKAGES; i++) download.add("pkg" + i);
                            check(apt.run(download.toArray(String[]::new)), failures);
                            operations.incrementAndGet();
                          } catch (Exception e) {
                            failures.add(e.toString());
                          }
                        }
                      }));
        }
        for (int n = 2; n <= RELEASES + 1; n++) {
          Thread.sleep(1100); // a new mtime for every file
          release(upstreamRoot, n);
          assertThat(run(sync)).isZero();
        }
        Thread.sleep(1000); // one more round against the last release
        stop.set(true);
        for (Thread t : clients) t.join();
        assertThat(failures).isEmpty();
        assertThat(operations.get()).isGreaterThanOrEqualTo(2 * CLIENTS);
        Reliability.record(
            "consistency",
            String.format(
                "%d apt-get update/download operations by %d clients while %d releases were"
                    + " published: 0 Hash Sum mismatches, 0 404s, 0 failures",
                operations.get(), CLIENTS, RELEASES));
      }
    }
  }

  private static void check(AptGet.Result r, List<String> failures) {
    if (r.exitCode() != 0
        || r.output().contains("Hash Sum mismatch")
        || r.output().contains("404")
        || r.output().contains("Err:")) {
      failures.add(r.output());
    }
  }

  private static int run(String... args) {
    StringWriter out = new StringWriter();
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
  }
}
