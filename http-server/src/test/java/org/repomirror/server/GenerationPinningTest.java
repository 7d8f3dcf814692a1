package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Main;
import org.repomirror.config.PinningConfig;
import org.repomirror.config.ServerConfig;
import org.repomirror.config.Subnet;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.http.RequestPath;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.store.ServedTree;
import org.repomirror.testing.ScriptedUpstream;

/**
 * A legacy client as Maemo's apt 0.7 is: Release and Release.gpg on one connection, then the
 * indexes on another, while the sync publishes a new release in between. The server must answer
 * every request of that client from the generation its Release came from, and a client that starts
 * afresh from the new one. Real sockets, a real sync (whose generations the server reads: the two
 * agree on the layout), legacy suite: MD5-only Release, Release.gpg, Packages.gz, no by-hash.
 */
class GenerationPinningTest {
  private static final String DIST = "extras-devel/dists/fremantle";
  private static final String PACKAGES = DIST + "/free/binary-armel/Packages.gz";
  private static SigningKey key;

  @TempDir Path tmp;
  private Path upstream;
  private Path mirror;
  private Path keyring;

  /** Release 1 of the legacy suite on the upstream; an empty mirror; the archive's keyring. */
  @BeforeEach
  void firstRelease() throws Exception {
    upstream = tmp.resolve("upstream");
    mirror = Files.createDirectories(tmp.resolve("mirror"));
    keyring = key.writePublicKeyring(tmp.resolve("maemo.gpg"));
    release(upstream, 1);
  }

  @BeforeAll
  static void key() {
    key = SigningKey.generateRsa("maemo <m@example.org>");
  }

  private void release(Path upstream, int n) throws Exception {
    legacyRelease(upstream, key, n);
  }

  /** Release n of a legacy Maemo suite, extras-devel/dists/fremantle, under an upstream root. */
  static void legacyRelease(Path upstream, SigningKey key, int n) throws Exception {
    SampleRepository.legacy(upstream.resolve("extras-devel"), "fremantle")
        .components("free")
        .architectures("armel")
        .signedBy(key)
        .seed(n)
        .add("maemo-hello", "0." + n, "armel", "free", 5000 + n)
        .write();
  }

  private int sync(ScriptedUpstream up, Path mirror, Path keyring) {
    StringWriter out = new StringWriter();
    int code =
        Main.run(
            new String[] {
              "sync",
              "--root",
              mirror.toString(),
              "--upstream",
              up.uri().toString(),
              "--dist",
              DIST,
              "--keyring",
              keyring.toString()
            },
            new PrintWriter(out, true),
            new PrintWriter(out, true));
    assertThat(code).as(out.toString()).isZero();
    return code;
  }

  private static ServerConfig config(Path mirror, Duration window) {
    return config(mirror, window, List.of());
  }

  private static ServerConfig config(Path mirror, Duration window, List<Subnet> trustedProxies) {
    return TestServers.config(
        mirror, new PinningConfig(window, 1000, Duration.ofHours(1), trustedProxies));
  }

  /** The MD5 the Release lists for a path below the suite. */
  private static String listedMd5(byte[] release, String below) throws Exception {
    ExpectedFile e = ReleaseFile.parse(release).file(below).orElseThrow();
    return e.hashes().get(HashAlgorithm.MD5).orElseThrow();
  }

  @Test
  void aLegacyClientGetsTheIndexesOfItsReleaseAcrossAPublishAndANewConnection() throws Exception {
    try (ScriptedUpstream up = new ScriptedUpstream(upstream);
        RepoServer server =
            RepoServer.start(config(mirror, Duration.ofMinutes(2)), AccessLog.OFF)) {
      sync(up, mirror, keyring);
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.address().getPort());
      byte[] release1;
      try (RawHttp first = new RawHttp(at, "127.0.0.1")) {
        release1 = first.get(DIST + "/Release").body();
        assertThat(first.get(DIST + "/Release.gpg").status()).isEqualTo(200);
      }

      Thread.sleep(1100); // a new mtime, a new Release
      release(upstream, 2);
      sync(up, mirror, keyring);
      byte[] release2 = Files.readAllBytes(upstream.resolve(DIST + "/Release"));
      assertThat(release2).isNotEqualTo(release1);
      assertThat(Files.readAllBytes(mirror.resolve(DIST + "/Release")))
          .as("the served tree is the new release")
          .isEqualTo(release2);

      try (RawHttp again = new RawHttp(at, "127.0.0.1")) {
        RawHttp.Response packages = again.get(PACKAGES);
        assertThat(packages.status()).isEqualTo(200);
        assertThat(SampleRepository.hex("MD5", packages.body()))
            .as("Packages.gz of the Release this address fetched before the publish")
            .isEqualTo(listedMd5(release1, "free/binary-armel/Packages.gz"));
        assertThat(again.get(DIST + "/Release").body())
            .as("within the window, the address keeps its generation")
            .isEqualTo(release1);
      }
      try (RawHttp other = new RawHttp(at, "127.0.0.2")) {
        byte[] fresh = other.get(DIST + "/Release").body();
        assertThat(fresh).as("another client starts from the new generation").isEqualTo(release2);
        assertThat(SampleRepository.hex("MD5", other.get(PACKAGES).body()))
            .isEqualTo(listedMd5(release2, "free/binary-armel/Packages.gz"));
      }
      String metrics = metrics(server);
      assertThat(metrics).containsPattern("repomirror_generations_kept 2(\\.0)?\\n");
      assertThat(metrics)
          .containsPattern("repomirror_pinned_older_generation_requests_total [1-9]");
    }
  }

  @Test
  void theSameConnectionKeepsItsGenerationAndTheWindowEnds() throws Exception {
    try (ScriptedUpstream up = new ScriptedUpstream(upstream);
        RepoServer server =
            RepoServer.start(config(mirror, Duration.ofSeconds(2)), AccessLog.OFF)) {
      sync(up, mirror, keyring);
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.address().getPort());
      try (RawHttp apt = new RawHttp(at, "127.0.0.3")) {
        byte[] release1 = apt.get(DIST + "/Release").body();
        Thread.sleep(1100);
        release(upstream, 2);
        sync(up, mirror, keyring);
        Thread.sleep(2100); // past the window: only the connection holds the pin now
        assertThat(SampleRepository.hex("MD5", apt.get(PACKAGES).body()))
            .as("the rest of the connection")
            .isEqualTo(listedMd5(release1, "free/binary-armel/Packages.gz"));
        assertThat(apt.get(DIST + "/Release").body())
            .as(
                "a Release a window after the pin was made starts a new update, on the same"
                    + " connection too (a cache's long-lived one)")
            .isEqualTo(Files.readAllBytes(upstream.resolve(DIST + "/Release")));
      }
      try (RawHttp later = new RawHttp(at, "127.0.0.3")) {
        byte[] now = later.get(DIST + "/Release").body();
        assertThat(now)
            .as("a new connection after the window gets the new generation")
            .isEqualTo(Files.readAllBytes(upstream.resolve(DIST + "/Release")));
      }
      try (RawHttp pool = new RawHttp(at, "127.0.0.3")) {
        assertThat(
                pool.get("extras-devel/pool/fremantle/free/m/maemo-hello/maemo-hello_0.2_armel.deb")
                    .status())
            .as("pool files are served from the tree to everyone")
            .isEqualTo(200);
      }
    }
  }

  /**
   * A cache in front: one connection carries the requests of two clients, told apart by the
   * X-Forwarded-For the cache adds. Each gets its own generation; a client that is not a trusted
   * proxy cannot choose its pin by sending the header itself.
   */
  @Test
  void aTrustedProxysClientsArePinnedByTheirOwnAddressesNotByItsConnection() throws Exception {
    List<Subnet> cache = List.of(Subnet.parse("127.0.0.9"));
    try (ScriptedUpstream up = new ScriptedUpstream(upstream);
        RepoServer server =
            RepoServer.start(config(mirror, Duration.ofMinutes(2), cache), AccessLog.OFF)) {
      sync(up, mirror, keyring);
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.address().getPort());
      try (RawHttp proxy = new RawHttp(at, "127.0.0.9")) {
        byte[] release1 = forwarded(proxy, DIST + "/Release", "10.0.0.1").body();
        Thread.sleep(1100);
        release(upstream, 2);
        sync(up, mirror, keyring);
        byte[] release2 = forwarded(proxy, DIST + "/Release", "192.0.2.7, 10.0.0.2").body();
        assertThat(release2)
            .as("another client on the same proxy connection starts from the new generation")
            .isNotEqualTo(release1)
            .isEqualTo(Files.readAllBytes(upstream.resolve(DIST + "/Release")));
        assertThat(SampleRepository.hex("MD5", forwarded(proxy, PACKAGES, "10.0.0.1").body()))
            .isEqualTo(listedMd5(release1, "free/binary-armel/Packages.gz"));
        assertThat(SampleRepository.hex("MD5", forwarded(proxy, PACKAGES, "10.0.0.2").body()))
            .isEqualTo(listedMd5(release2, "free/binary-armel/Packages.gz"));
        assertThat(
                SampleRepository.hex(
                    "MD5", forwarded(proxy, PACKAGES, "127.0.0.9, 10.0.0.1").body()))
            .as("the last address that is not a trusted proxy is the client")
            .isEqualTo(listedMd5(release1, "free/binary-armel/Packages.gz"));
      }
      try (RawHttp liar = new RawHttp(at, "127.0.0.8")) {
        assertThat(SampleRepository.hex("MD5", forwarded(liar, PACKAGES, "10.0.0.1").body()))
            .as("an untrusted sender's X-Forwarded-For is ignored")
            .isEqualTo(
                listedMd5(
                    Files.readAllBytes(mirror.resolve(DIST + "/Release")),
                    "free/binary-armel/Packages.gz"));
      }
    }
  }

  /**
   * An upstream that republishes its suite within the second, or rolls it back to files with an
   * earlier mtime (restored from a copy): a client that holds the Release or Packages.gz it was
   * served before, and asks If-Modified-Since its Last-Modified, must get the new file, not a 304
   * that leaves it with the old Release and the new Release.gpg (BADSIG) or the old index against
   * the new Release (Hash Sum mismatch). Each client comes from an address of its own, unpinned.
   */
  @Test
  void aClientHoldingAnEarlierVersionNeverGets304WhateverTheUpstreamsMtimes() throws Exception {
    long second = (System.currentTimeMillis() / 1000 - 60) * 1000;
    touchSuite(upstream, second);
    try (ScriptedUpstream up = new ScriptedUpstream(upstream);
        RepoServer server =
            RepoServer.start(config(mirror, Duration.ofMinutes(2)), AccessLog.OFF)) {
      sync(up, mirror, keyring);
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.address().getPort());
      int client = 10;
      for (long mtime : new long[] {second + 500, second - 3_600_000}) {
        RawHttp.Response release;
        RawHttp.Response packages;
        try (RawHttp before = new RawHttp(at, "127.0.0." + client++)) {
          release = before.get(DIST + "/Release");
          packages = before.get(PACKAGES);
        }
        // A second component makes the Release longer: within the same second, the upstream's
        // ETag (its mtime's second and its size) must change, or the upstream's 304 would hide it.
        SampleRepository.legacy(upstream.resolve("extras-devel"), "fremantle")
            .components("free", "non-free")
            .architectures("armel")
            .signedBy(key)
            .seed(client)
            .add("maemo-hello", "0." + client, "armel", "free", 5000 + client)
            .add("maemo-extra", "0." + client, "armel", "non-free", 7000 + client)
            .write();
        touchSuite(upstream, mtime); // the same second as before, then an hour earlier
        sync(up, mirror, keyring);
        byte[] now = Files.readAllBytes(upstream.resolve(DIST + "/Release"));
        assertThat(Files.readAllBytes(mirror.resolve(DIST + "/Release")))
            .as("the mirror published the new release")
            .isEqualTo(now)
            .isNotEqualTo(release.body());
        try (RawHttp after = new RawHttp(at, "127.0.0." + client++)) {
          RawHttp.Response r =
              getWith(
                  after, DIST + "/Release", "If-Modified-Since", release.header("Last-Modified"));
          assertThat(r.status())
              .as("Release, upstream mtime %d ms after the last", mtime - second)
              .isEqualTo(200);
          assertThat(r.body()).isEqualTo(now);
          RawHttp.Response p =
              getWith(after, PACKAGES, "If-Modified-Since", packages.header("Last-Modified"));
          assertThat(p.status()).as("Packages.gz").isEqualTo(200);
          assertThat(SampleRepository.hex("MD5", p.body()))
              .isEqualTo(listedMd5(now, "free/binary-armel/Packages.gz"));
        }
      }
    }
  }

  /** Gives every file of the upstream's suite one mtime. */
  private static void touchSuite(Path upstream, long mtimeMillis) throws Exception {
    try (var files = Files.walk(upstream.resolve(DIST))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(mtimeMillis));
      }
    }
  }

  /**
   * Clients behind one address start updates at the same moment while a publish lands: the
   * address's pin must never go back to an older generation than one of them was given, or that
   * client's next update would be pinned behind the Release it holds (a 304 for its Release, then
   * another generation's Release.gpg: BADSIG, as a full verify once saw). The two generations come
   * from real syncs; which one is current is switched by the test mid-round, as a publish does, in
   * {@value #ROUNDS} rounds of {@value #RACERS} updates each, a window apart.
   */
  @Test
  void anAddressIsNeverPinnedBehindAGenerationItWasGiven() throws Exception {
    try (ScriptedUpstream up = new ScriptedUpstream(upstream);
        ServedTree real = ServedTree.local(mirror, System::nanoTime)) {
      sync(up, mirror, keyring);
      long first = real.generation(DIST).orElseThrow();
      Thread.sleep(1100);
      release(upstream, 2);
      sync(up, mirror, keyring);
      long second = real.generation(DIST).orElseThrow();
      assertThat(real.hasGeneration(DIST, first)).isTrue();
      SteeredTree tree = new SteeredTree(real, first);
      AtomicLong nanos = new AtomicLong(1_000_000_000L);
      Duration window = Duration.ofSeconds(5);
      Ticker yielding =
          () -> {
            Thread.yield(); // widens every gap between reading the clock and acting on it
            return nanos.get();
          };
      GenerationPinning pinning =
          new GenerationPinning(
              tree,
              new PinTable(window, 1000, Duration.ofHours(1), yielding),
              true,
              TrustedProxies.NONE);
      InetAddress address = InetAddress.getByName("127.0.0.5");
      RequestPath release = RequestPath.parse("/" + DIST + "/Release");
      int behind = 0;
      try (ExecutorService racers = Executors.newFixedThreadPool(RACERS)) {
        for (int round = 0; round < ROUNDS; round++) {
          nanos.addAndGet(window.toNanos() + 1); // every pin of the last round has lapsed
          tree.current = first;
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Long>> given = new ArrayList<>();
          for (int r = 0; r < RACERS; r++) {
            given.add(
                racers.submit(
                    () -> {
                      go.await();
                      return generationOf(pinning, address, release, tree);
                    }));
          }
          go.countDown();
          Thread.yield();
          tree.current = second; // the publish lands among the updates
          long newest = 0;
          for (Future<Long> g : given) newest = Math.max(newest, g.get(10, TimeUnit.SECONDS));
          if (generationOf(pinning, address, release, tree) < newest) behind++;
        }
      }
      assertThat(behind)
          .as("rounds in which the address's next update was pinned behind a generation given")
          .isZero();
    }
  }

  private static final int ROUNDS = 2000;
  private static final int RACERS = 4;

  /** The generation a new connection's Release is answered from. */
  private static long generationOf(
      GenerationPinning pinning, InetAddress address, RequestPath release, SteeredTree tree)
      throws Exception {
    ServedTree.Resolved r =
        pinning
            .resolve(
                new GenerationPinning.Connection(), address, EmptyHttpHeaders.INSTANCE, release)
            .orElseThrow();
    Path file = ((ServedTree.RegularFile) r).path();
    return tree.generationHolding(file);
  }

  /**
   * A real served tree whose current generation of a suite the test switches between two that real
   * syncs left, as a publish would, at a moment of its choosing.
   */
  private static final class SteeredTree implements ServedTree {
    private final ServedTree real;
    volatile long current;

    SteeredTree(ServedTree real, long current) {
      this.real = real;
      this.current = current;
    }

    /** Which generation a resolved file belongs to: its folder is named by the generation's id. */
    long generationHolding(Path file) {
      return Long.parseLong(file.getParent().getFileName().toString());
    }

    @Override
    public Resolved resolve(String path) {
      return real.resolve(path);
    }

    @Override
    public List<Entry> list(Directory folder) throws java.io.IOException {
      return real.list(folder);
    }

    @Override
    public OptionalLong generation(String dist) {
      return OptionalLong.of(current);
    }

    @Override
    public boolean hasGeneration(String dist, long id) {
      return real.hasGeneration(dist, id);
    }

    @Override
    public Optional<Resolved> inGeneration(String dist, long id, String below) {
      return real.inGeneration(dist, id, below);
    }

    @Override
    public long generationsKept() {
      return real.generationsKept();
    }
  }

  private static RawHttp.Response forwarded(RawHttp c, String path, String forwardedFor)
      throws Exception {
    return getWith(c, path, "X-Forwarded-For", forwardedFor);
  }

  /** A GET with one more header. */
  private static RawHttp.Response getWith(RawHttp c, String path, String header, String value)
      throws Exception {
    return c.send(
            "GET /" + path + " HTTP/1.1\r\nHost: mirror\r\n" + header + ": " + value + "\r\n\r\n")
        .read();
  }

  @Test
  void pinningOffServesTheTreeAsItIs() throws Exception {
    try (ScriptedUpstream up = new ScriptedUpstream(upstream);
        RepoServer server = RepoServer.start(config(mirror, Duration.ZERO), AccessLog.OFF)) {
      sync(up, mirror, keyring);
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.address().getPort());
      try (RawHttp apt = new RawHttp(at, "127.0.0.4")) {
        byte[] release1 = apt.get(DIST + "/Release").body();
        Thread.sleep(1100);
        release(upstream, 2);
        sync(up, mirror, keyring);
        assertThat(SampleRepository.hex("MD5", apt.get(PACKAGES).body()))
            .as("without pinning, the straddle the issue measured")
            .isNotEqualTo(listedMd5(release1, "free/binary-armel/Packages.gz"));
      }
    }
  }

  private static String metrics(RepoServer server) throws Exception {
    try (RawHttp admin = new RawHttp(server.adminAddress())) {
      return new String(admin.get("metrics").body(), StandardCharsets.UTF_8);
    }
  }
}
