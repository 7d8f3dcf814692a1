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
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.repomirror.cli.Main;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.TestKey;
import org.repomirror.testing.TestRepository;

/**
 * Invariant 6 as clients live it: real apt-get clients loop on {@code update} and a download of
 * every package against the live server, while sync publishes {@value #PUBLISHES} times with the
 * upstream flipping between two signed releases. Three kinds of client: modern apt with by-hash off
 * (canonical names, pipelining on, so only pinning can keep it consistent), modern apt with
 * by-hash, and the legacy Maemo suite (MD5-only Release, Release.gpg, Packages.gz, no by-hash). Not
 * one failed run: no Hash Sum mismatch, no 404, no error.
 */
class ConsistencyUnderLoadTest {
  private static final int PUBLISHES = 20;
  private static final int PACKAGES = 6;
  private static final int CLIENTS = 2;
  private static final Pattern FAILED =
      Pattern.compile(
          "Hash Sum mismatch|^Err:|^E: |\\b404\\s+Not Found|unexpected size", Pattern.MULTILINE);

  /** A kind of client, with the suite it reads. */
  enum Variant {
    NO_BY_HASH(
        "amd64", List.of("Acquire::By-Hash \"no\";", "Acquire::http::Pipeline-Depth \"10\";")),
    BY_HASH("amd64", List.of("Acquire::By-Hash \"yes\";")),
    LEGACY(
        "armel",
        List.of(
            "Acquire::AllowWeakRepositories \"true\";",
            "Acquire::ForceHash \"MD5Sum\";",
            "APT::Get::AllowUnauthenticated \"true\";"));

    final String arch;
    final List<String> config;

    Variant(String arch, List<String> config) {
      this.arch = arch;
      this.config = config;
    }
  }

  private static TestKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    AptGet.requireAptGet();
    key = TestKey.generateRsa("archive <a@example.org>");
  }

  /** One of the two releases the upstream flips between; each write has a new Date. */
  private static void release(Path upstream, Variant v, int n) throws Exception {
    int which = n % 2;
    TestRepository r =
        v == Variant.LEGACY
            ? TestRepository.legacy(upstream.resolve("extras-devel"), "fremantle")
                .components("free")
                .architectures("armel")
            : TestRepository.modern(upstream, "stable").components("main").architectures("amd64");
    r.signedBy(key).seed(which);
    String component = v == Variant.LEGACY ? "free" : "main";
    for (int i = 0; i < PACKAGES; i++) {
      r.add("pkg" + i, "1." + which, v.arch, component, 20_000 + which * 100 + i);
    }
    r.write();
  }

  private static String dist(Variant v) {
    return v == Variant.LEGACY ? "extras-devel/dists/fremantle" : "dists/stable";
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void aptClientsNeverSeeAMismatchWhileReleasesFlip(Variant v) throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    Path mirror = tmp.resolve("mirror");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    release(upstreamRoot, v, 1);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      String[] sync = {
        "sync",
        "--root",
        mirror.toString(),
        "--upstream",
        upstream.uri().toString(),
        "--dist",
        dist(v),
        "--keyring",
        keyring.toString()
      };
      assertThat(run(sync)).isZero();
      try (RepoServer server = TestServers.start(mirror, AccessLog.OFF)) {
        String url = "http://127.0.0.1:" + server.address().getPort() + "/";
        String line =
            v == Variant.LEGACY
                ? "deb [signed-by=" + keyring + "] " + url + "extras-devel fremantle free"
                : "deb [signed-by=" + keyring + "] " + url + " stable main";
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          AptGet apt = new AptGet(tmp.resolve("apt" + c), v.arch, List.of(line), v.config);
          clients.add(Thread.ofPlatform().start(() -> loop(apt, stop, runs, failures)));
        }
        for (int n = 2; n <= PUBLISHES + 1; n++) {
          Thread.sleep(1100); // a new mtime for every file
          release(upstreamRoot, v, n);
          assertThat(run(sync)).as("publish %d", n).isZero();
        }
        Thread.sleep(1000); // one more round against the last release
        stop.set(true);
        for (Thread t : clients) t.join();
        assertThat(failures).as("failed runs of %d", runs.get()).isEmpty();
        assertThat(runs.get()).as("client runs").isGreaterThanOrEqualTo(4 * CLIENTS);
        Reliability.record(
            "consistency-" + v.name().toLowerCase(java.util.Locale.ROOT),
            String.format(
                "%d apt-get runs (update, then a download of every package) by %d clients while"
                    + " %d publishes flipped the upstream between two releases: 0 failed",
                runs.get(), CLIENTS, PUBLISHES));
      }
    }
  }

  /** One client: update and download until told to stop, or for at most three minutes. */
  private static void loop(
      AptGet apt, AtomicBoolean stop, AtomicInteger runs, List<String> failures) {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (!stop.get() && System.nanoTime() < deadline) {
      try {
        // Updates at 2 KB/s, as a phone on GPRS: a publish then lands between the Release and the
        // indexes in most runs, which is what pinning must survive.
        AptGet.Result update = apt.run("-o", "Acquire::http::Dl-Limit=2", "update");
        List<String> download = new ArrayList<>(List.of("download"));
        for (int i = 0; i < PACKAGES; i++) download.add("pkg" + i);
        AptGet.Result got =
            update.exitCode() == 0 ? apt.run(download.toArray(String[]::new)) : update;
        runs.incrementAndGet();
        for (AptGet.Result r : List.of(update, got)) {
          if (r.exitCode() != 0 || FAILED.matcher(r.output()).find()) {
            failures.add(r.output());
            break;
          }
        }
      } catch (Throwable e) { // a failure of the harness is a failed run too, never a silent end
        failures.add(e.toString());
      }
    }
  }

  private static int run(String... args) {
    StringWriter out = new StringWriter();
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
  }
}
