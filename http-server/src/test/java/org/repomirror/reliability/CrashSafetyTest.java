package org.repomirror.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Main;
import org.repomirror.debian.Compression;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.PackagesIndex;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.store.Generations;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.trust.ReleaseVerifier;

/**
 * Invariants 1, 2 and 4 under kill -9: a sync in its own JVM is killed at random moments and at
 * named points (a file staged, between renames of content and of metadata, before an index commit),
 * then restarted; half-way the upstream publishes a new release. Meanwhile a reader walks the
 * served tree and checks that every visible file is one the upstream published, and that every
 * visible InRelease's indexes (by hash) and their pool files are all in place. At the end the sync
 * converges to the upstream and {@code verify --full} is clean. It goes on until {@code
 * -Dcrash.kills=N} kills (20 by default) have landed mid-run.
 */
class CrashSafetyTest {
  private static final int KILLS = Integer.getInteger("crash.kills", 20);

  /** How far into each point's occurrences a named kill lands, per point. */
  private static final int[] DEPTH = {30, 10, 2, 2, 5, 2};

  private static final String[] POINTS = {
    "staged",
    "publish-content",
    "generation-built",
    "generation-switched",
    "publish-metadata",
    "index-commit"
  };

  @TempDir Path tmp;

  private final Map<String, Set<String>> acceptable = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicReference<Throwable> readerFailure = new AtomicReference<>();
  private final AtomicLong generationReads = new AtomicLong();
  private final Set<String> generations = ConcurrentHashMap.newKeySet();

  private SampleRepository.Suite release(Path upstream, SigningKey key, long seed, int packages)
      throws IOException {
    SampleRepository r =
        SampleRepository.modern(upstream, "stable")
            .components("main")
            .architectures("amd64")
            .signedBy(key)
            .seed(seed);
    for (int i = 0; i < packages; i++) r.add("pkg" + i, "1." + seed, "amd64", "main", 40_000);
    SampleRepository.Suite s = r.write();
    try (Stream<Path> files = Files.walk(upstream)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        acceptable
            .computeIfAbsent(upstream.relativize(p).toString(), k -> ConcurrentHashMap.newKeySet())
            .add(SampleRepository.hex("SHA-256", Files.readAllBytes(p)));
      }
    }
    return s;
  }

  @Test
  void killedAnywhereTheSyncConvergesAndNothingPartialIsEverVisible() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path upstreamRoot = tmp.resolve("upstream");
    Path mirror = tmp.resolve("mirror");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    SampleRepository.Suite current = release(upstreamRoot, key, 1, 30);
    Random random = new Random(42);
    int killed = 0; // after the sync took the mirror's lock: at work
    int killedStarting = 0; // before it did: in JVM start-up or reading its options
    int attempts = 0;
    boolean released = false;
    int finished = 0;
    List<String> log = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    boolean readerAliveAtTheEnd;
    Thread reader = Thread.ofPlatform().name("reader").start(() -> readUntil(mirror, stop));
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      List<String> sync =
          List.of(
              "sync",
              "--root",
              mirror.toString(),
              "--upstream",
              upstream.uri().toString(),
              "--dist",
              "dists/stable",
              "--keyring",
              keyring.toString(),
              "--bwlimit",
              "1MiB",
              "--connections",
              "4");
      // A run that finishes before its kill counts none: the faster the sync, the more attempts
      // the kills take (at 3 per kill, a faster start-up once left 19 of 20).
      for (int i = 0; killed < KILLS && i < 5 * KILLS; i++) {
        attempts++;
        if (!released && killed >= KILLS / 2) {
          released = true;
          Thread.sleep(1100); // new mtimes, a new Release
          current = release(upstreamRoot, key, 2, 34);
        }
        String point = null;
        long delay = 0;
        if (i % 2 == 0) {
          int p = (i / 2) % POINTS.length;
          point = POINTS[p] + ":" + (1 + random.nextInt(DEPTH[p]));
        } else {
          delay = random.nextInt(1000);
        }
        Process p = SyncProcess.start(sync, point, null);
        // A random moment is counted from when the sync took the lock, not from the start of a JVM
        // whose start-up alone took more than a second here under the reader's load.
        if (point == null) awaitTheLock(mirror, p);
        boolean exited = p.waitFor(point != null ? 60_000 : delay, TimeUnit.MILLISECONDS);
        if (!exited) p.destroyForcibly().waitFor();
        int code = p.exitValue();
        String when = point != null ? point : "after " + delay + " ms";
        if (code != 137) {
          finished++;
        } else if (heldTheLock(mirror, p.pid())) {
          killed++;
        } else {
          killedStarting++;
          when += " (before it took the lock)";
        }
        log.add(when + " -> exit " + code);
      }
      // Restarted without a kill, it converges.
      int code = -1;
      String output = "";
      for (int attempt = 0; attempt < 3 && code != 0; attempt++) {
        Process p = SyncProcess.start(sync, null, tmp.resolve("last-run.log"));
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        code = p.exitValue();
        output = Files.readString(tmp.resolve("last-run.log"));
      }
      assertThat(code).as(String.join("\n", log) + "\nthe last run said:\n" + output).isZero();
    } finally {
      readerAliveAtTheEnd = reader.isAlive();
      stop.set(true);
      reader.join();
    }
    assertThat(readerFailure.get()).as("the reader's failure").isNull();
    assertThat(readerAliveAtTheEnd).as("the reader ran to the end").isTrue();
    assertThat(reads.get()).as("files the reader read").isPositive();
    assertThat(killed).as(String.join("\n", log)).isGreaterThanOrEqualTo(KILLS);
    assertThat(violations).as("seen by the reader in %d reads", reads.get()).isEmpty();
    assertThat(generations).as("generations the reader saw whole").hasSizeGreaterThanOrEqualTo(2);
    Map<String, String> upstreamNow = currentRelease(upstreamRoot, current);
    assertThat(upstreamNow).as("the current release's files").hasSizeGreaterThan(34);
    assertThat(contents(mirror)).containsAllEntriesOf(upstreamNow);

    StringWriter out = new StringWriter();
    int verify =
        Main.run(
            new String[] {"verify", "--root", mirror.toString(), "--full"},
            new PrintWriter(out, true),
            new PrintWriter(out, true));
    assertThat(verify).as(out.toString()).isZero();
    Reliability.record(
        "crash",
        String.format(
            "%d runs started, %d killed with SIGKILL at work (named points, switches of a"
                + " generation among them, and random moments), %d more killed before they took"
                + " the mirror's lock (not counted), %d finished before their kill; all"
                + " converged; %d reads of the served tree, 0 partial or unverified files; %d files"
                + " of %d generations read as a pinned client reads them, every one matching its"
                + " generation's InRelease; verify --full clean",
            attempts,
            killed,
            killedStarting,
            finished,
            reads.get(),
            generationReads.get(),
            generations.size()));
  }

  /**
   * The generation the served folder names must be whole: its InRelease's listed files, in that
   * generation, match what it lists (as a client pinned to it is served them).
   */
  private void checkGeneration(Path mirror) throws IOException {
    String id;
    try {
      id = Files.readString(mirror.resolve("dists/stable/" + Generations.MARKER)).strip();
    } catch (NoSuchFileException beforeTheFirst) {
      return;
    }
    Path generation =
        mirror.resolve(Generations.STORE).resolve(Generations.key("dists/stable")).resolve(id);
    byte[] signed;
    try {
      signed = ReleaseVerifier.unverifiedText(Files.readAllBytes(generation.resolve("InRelease")));
    } catch (org.repomirror.trust.TrustException e) {
      violations.add(generation + "/InRelease: not a clear-signed Release");
      return;
    }
    generations.add(id);
    for (ExpectedFile e : ReleaseFile.parse(signed).files()) {
      Path listed = generation.resolve(e.path());
      if (!Files.exists(listed)) continue; // listed, not carried
      String sha = SampleRepository.hex("SHA-256", Files.readAllBytes(listed));
      if (!e.hashes().get(HashAlgorithm.SHA256).orElseThrow().equals(sha)) {
        violations.add(listed + ": does not match the InRelease of its generation " + id);
      }
      generationReads.incrementAndGet();
    }
  }

  /**
   * Reads the served tree over and over, checking what a client could see. A file deleted between
   * listing and reading is read again on the next pass; anything else (a Release or index that does
   * not parse, an I/O error, a bug in the reader) ends the reader and fails the test.
   */
  private void readUntil(Path mirror, AtomicBoolean stop) {
    while (!stop.get()) {
      try {
        checkOnce(mirror);
      } catch (NoSuchFileException vanished) {
        // renamed or deleted after the walk listed it
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException)) { // not a folder the walk entered going
          readerFailure.set(e);
          return;
        }
      } catch (Throwable e) {
        readerFailure.set(e);
        return;
      }
    }
  }

  /** Waits (at most 30 s) until the process holds the mirror's lock or has exited. */
  private static void awaitTheLock(Path mirror, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (p.isAlive() && !heldTheLock(mirror, p.pid()) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  /** Whether the killed process had taken the mirror's lock: its line is left in the lock file. */
  private static boolean heldTheLock(Path mirror, long pid) throws IOException {
    Path lock = mirror.resolve(".repomirror/lock");
    return Files.exists(lock) && Files.readString(lock).startsWith("process " + pid + " ");
  }

  private void checkOnce(Path mirror) throws IOException {
    if (!Files.isDirectory(mirror)) return;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(mirror)) {
      files =
          walk.filter(Files::isRegularFile)
              // Hidden paths (our state, a generation's marker, a folder being switched in) are
              // never served.
              .filter(p -> !mirror.relativize(p).toString().startsWith("."))
              .filter(p -> !mirror.relativize(p).toString().contains("/."))
              .filter(p -> !mirror.relativize(p).toString().startsWith("project/"))
              .toList();
    }
    for (Path p : files) {
      String rel = mirror.relativize(p).toString();
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(p);
      } catch (NoSuchFileException gone) {
        continue; // deleted after its grace period, or replaced
      }
      reads.incrementAndGet();
      Set<String> ok = acceptable.get(rel);
      String sha = SampleRepository.hex("SHA-256", bytes);
      if (ok == null || !ok.contains(sha))
        violations.add(rel + ": content never published upstream");
    }
    checkGeneration(mirror);
    Path inRelease = mirror.resolve("dists/stable/InRelease");
    byte[] signed;
    try {
      signed = ReleaseVerifier.unverifiedText(Files.readAllBytes(inRelease));
    } catch (NoSuchFileException beforeTheFirst) {
      return;
    } catch (org.repomirror.trust.TrustException e) {
      violations.add(inRelease + ": not a clear-signed Release");
      return;
    }
    ReleaseFile release = ReleaseFile.parse(signed);
    for (ExpectedFile e : release.files()) {
      String sha = e.hashes().get(HashAlgorithm.SHA256).orElseThrow();
      String dir =
          e.path().contains("/") ? e.path().substring(0, e.path().lastIndexOf('/') + 1) : "";
      Path byHash = mirror.resolve("dists/stable/" + dir + "by-hash/SHA256/" + sha);
      if (!acceptable.containsKey("dists/stable/" + e.path())) continue; // listed, not carried
      if (!Files.exists(byHash)) {
        violations.add(byHash + ": referenced by the visible InRelease, not there");
        continue;
      }
      if (e.path().endsWith("Packages.xz")) {
        try (InputStream in = Compression.XZ.open(Files.newInputStream(byHash));
            PackagesIndex packages = new PackagesIndex(in)) {
          for (Optional<ExpectedFile> f = packages.next(); f.isPresent(); f = packages.next()) {
            if (!Files.exists(mirror.resolve(f.get().path()))) {
              violations.add(f.get().path() + ": in the visible Packages, not there");
            }
          }
        }
      }
    }
  }

  /**
   * The files of the upstream's current release: its Release files, indexes and their by-hash
   * copies, and its pool. (A release the upstream replaced before the mirror ever published it need
   * not be mirrored.)
   */
  private static Map<String, String> currentRelease(Path root, SampleRepository.Suite suite)
      throws IOException {
    Map<String, String> all = contents(root);
    Map<String, String> current = new java.util.TreeMap<>();
    List<String> indexes =
        List.of("main/binary-amd64/Packages.xz", "main/binary-amd64/Packages.gz");
    for (String name : List.of("InRelease", "Release", "Release.gpg")) {
      current.put("dists/stable/" + name, all.get("dists/stable/" + name));
    }
    for (String index : indexes) {
      String hash = all.get("dists/stable/" + index);
      current.put("dists/stable/" + index, hash);
      current.put("dists/stable/main/binary-amd64/by-hash/SHA256/" + hash, hash);
    }
    for (SampleRepository.SamplePackage p : suite.packages()) {
      current.put(p.filename(), all.get(p.filename()));
    }
    return current;
  }

  private static Map<String, String> contents(Path root) throws IOException {
    Map<String, String> files = new java.util.TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = root.relativize(p).toString();
        if (rel.startsWith(".repomirror") || rel.startsWith("project/")) continue;
        files.put(rel, SampleRepository.hex("SHA-256", Files.readAllBytes(p)));
      }
    }
    return files;
  }
}
