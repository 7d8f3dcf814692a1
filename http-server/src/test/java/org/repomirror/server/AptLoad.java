package org.repomirror.server;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;

/**
 * The load of the consistency test and benchmark: real apt-get clients loop on {@code update} and a
 * download of every package while something publishes, again and again, an upstream that flips
 * between two signed releases. A run fails on any Hash Sum mismatch, unexpected size, 404, error or
 * non-zero exit.
 */
final class AptLoad {
  static final int PACKAGES = 6;
  static final int CLIENTS = 2;
  private static final Pattern FAILED =
      Pattern.compile(
          "Hash Sum mismatch|^Err:|^E: |\\b404\\s+Not Found|unexpected size", Pattern.MULTILINE);
  private static final long CLIENT_DEADLINE_NANOS = 180_000_000_000L;

  /** A kind of client, with the suite it reads. */
  enum Variant {
    /** Modern apt on canonical names with pipelining: only pinning can keep it consistent. */
    NO_BY_HASH(
        "amd64", List.of("Acquire::By-Hash \"no\";", "Acquire::http::Pipeline-Depth \"10\";")),
    BY_HASH("amd64", List.of("Acquire::By-Hash \"yes\";")),
    /** The Maemo suite: MD5-only Release, Release.gpg, Packages.gz, no by-hash. */
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

    /** The suite's folder below the root. */
    String dist() {
      return this == LEGACY ? "extras-devel/dists/fremantle" : "dists/stable";
    }

    String sourcesLine(Path keyring, URI root) {
      return this == LEGACY
          ? "deb [signed-by=" + keyring + "] " + root + "extras-devel fremantle free"
          : "deb [signed-by=" + keyring + "] " + root + " stable main";
    }
  }

  /** Writes one of the two releases the upstream flips between; each write has a new Date. */
  static void release(Path upstream, Variant v, int n, SigningKey key) throws Exception {
    int which = n % 2;
    SampleRepository r =
        v == Variant.LEGACY
            ? SampleRepository.legacy(upstream.resolve("extras-devel"), "fremantle")
                .components("free")
                .architectures("armel")
            : SampleRepository.modern(upstream, "stable").components("main").architectures("amd64");
    r.signedBy(key).seed(which);
    String component = v == Variant.LEGACY ? "free" : "main";
    for (int i = 0; i < PACKAGES; i++) {
      r.add("pkg" + i, "1." + which, v.arch, component, 20_000 + which * 100 + i);
    }
    r.write();
  }

  /**
   * Writes release {@code n} of both suites: the legacy one, and the modern one that both modern
   * kinds of client read.
   */
  static void releaseBoth(Path upstream, int n, SigningKey key) throws Exception {
    release(upstream, Variant.LEGACY, n, key);
    release(upstream, Variant.BY_HASH, n, key);
  }

  /** The {@code sync} flags that name both suites. */
  static List<String> bothDists() {
    return List.of("--dist", Variant.LEGACY.dist(), "--dist", Variant.BY_HASH.dist());
  }

  /** Publishes release {@code n} to the clients, however the setup does it. */
  @FunctionalInterface
  interface Publisher {
    void publish(int n) throws Exception;
  }

  /**
   * What the clients lived through.
   *
   * @param failures the output of each failed run
   * @param releasesSeen how many different Release files the clients' successful updates ended
   *     with: more than one shows that they moved on with the publishes (a mirror that froze its
   *     clients on one release would be consistent, and useless)
   */
  record Outcome(int runs, List<String> failures, int releasesSeen) {}

  /**
   * Clients of one kind that reach the mirror one way, counted apart.
   *
   * @param name what the outcome is recorded as
   * @param sourcesLine client {@code c}'s sources.list line, {@code c} counted from 0 in the group
   */
  record Group(String name, Variant variant, int clients, IntFunction<String> sourcesLine) {}

  /**
   * Runs {@link #CLIENTS} clients, client {@code c} with {@code sourcesLine.apply(c)}, while {@code
   * publish} publishes releases 2 to {@code publishes + 1}, a second apart (so every file gets a
   * new mtime), then one more second against the last.
   */
  static Outcome run(
      Path work, Variant v, IntFunction<String> sourcesLine, int publishes, Publisher publish)
      throws Exception {
    return run(work, List.of(new Group(v.name(), v, CLIENTS, sourcesLine)), publishes, publish)
        .getFirst();
  }

  /**
   * Runs every group's clients at once while {@code publish} publishes releases 2 to {@code
   * publishes + 1}, a second apart (so every file gets a new mtime), then one more second against
   * the last. The outcomes are in the groups' order.
   */
  static List<Outcome> run(Path work, List<Group> groups, int publishes, Publisher publish)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Tally> tallies = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    try {
      for (Group g : groups) {
        Tally tally = new Tally();
        tallies.add(tally);
        for (int c = 0; c < g.clients(); c++) {
          AptGet apt =
              new AptGet(
                  work.resolve("apt-" + g.name() + "-" + c),
                  g.variant().arch,
                  List.of(g.sourcesLine().apply(c)),
                  g.variant().config);
          clients.add(Thread.ofPlatform().start(() -> loop(apt, stop, tally)));
        }
      }
      for (int n = 2; n <= publishes + 1; n++) {
        Thread.sleep(1100);
        publish.publish(n);
      }
      Thread.sleep(1000);
    } finally {
      stop.set(true);
      for (Thread t : clients) t.join();
    }
    return tallies.stream()
        .map(t -> new Outcome(t.runs.get(), List.copyOf(t.failures), t.releases.size()))
        .toList();
  }

  /** What one group's clients lived through so far. */
  private static final class Tally {
    final AtomicInteger runs = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final Set<String> releases = ConcurrentHashMap.newKeySet();
  }

  /** One client: update and download until told to stop, or for at most three minutes. */
  private static void loop(AptGet apt, AtomicBoolean stop, Tally tally) {
    long deadline = System.nanoTime() + CLIENT_DEADLINE_NANOS;
    while (!stop.get() && System.nanoTime() < deadline) {
      try {
        // Updates at 2 KB/s, as a phone on GPRS: a publish then lands between the Release and the
        // indexes in most runs, which is what pinning must survive.
        AptGet.Result update = apt.run("-o", "Acquire::http::Dl-Limit=2", "update");
        if (update.exitCode() == 0) {
          for (Path r : apt.releases())
            tally.releases.add(SampleRepository.hex("SHA-256", Files.readAllBytes(r)));
        }
        List<String> download = new ArrayList<>(List.of("download"));
        for (int i = 0; i < PACKAGES; i++) download.add("pkg" + i);
        AptGet.Result got =
            update.exitCode() == 0 ? apt.run(download.toArray(String[]::new)) : update;
        tally.runs.incrementAndGet();
        for (AptGet.Result r : List.of(update, got)) {
          if (r.exitCode() != 0 || FAILED.matcher(r.output()).find()) {
            tally.failures.add(r.output());
            break;
          }
        }
      } catch (Throwable e) { // a failure of the harness is a failed run too, never a silent end
        tally.failures.add(e.toString());
      }
    }
  }

  private AptLoad() {}
}
