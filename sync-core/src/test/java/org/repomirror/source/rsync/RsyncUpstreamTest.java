package org.repomirror.source.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.run.Ticker;
import org.repomirror.source.FetchException;
import org.repomirror.source.Upstream;
import org.repomirror.testing.Nginx;
import org.repomirror.testing.RsyncDaemon;

/** The rsync upstream against a real rsync daemon on loopback. */
class RsyncUpstreamTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path tmp;

  private Path upstream(String... names) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("old-host"));
    for (String name : names) {
      Path file = root.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "bytes of " + name);
      Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L));
    }
    return root;
  }

  private static RsyncUpstream.Settings settings(int runs) {
    return new RsyncUpstream.Settings("ssh", TIMEOUT, runs, 0);
  }

  private RsyncUpstream rsync(URI uri) {
    return new RsyncUpstream(uri, tmp.resolve("work"), null, settings(3), Ticker.SYSTEM);
  }

  @Test
  void placesFilesWhoseNamesRsyncCouldMistakeForOptionsOrPatterns() throws Exception {
    List<String> names =
        List.of(
            "pool/main/libs/libstdc++6/libstdc++6_12.2.0-14~deb12u1_amd64.deb",
            "downloads/release notes 100% (final).txt",
            "downloads/Nokia N900 – käyttöohje.pdf",
            "downloads/-rf",
            "downloads/a[1]*?.bin",
            "downloads/~user/x");
    Path root = upstream(names.toArray(String[]::new));
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp);
        RsyncUpstream source = rsync(daemon.uri())) {
      for (String n : names) source.expect(n, -1);
      List<Path> targets = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        Path target = tmp.resolve("target-" + i);
        long bytes = source.place(names.get(i), target, false);
        assertThat(bytes).as(names.get(i)).isPositive();
        targets.add(target);
      }
      for (int i = 0; i < names.size(); i++) {
        assertThat(targets.get(i)).hasSameBinaryContentAs(root.resolve(names.get(i)));
        assertThat(Files.getLastModifiedTime(targets.get(i)).toMillis())
            .as("the upstream's mtime")
            .isEqualTo(1_700_000_000_000L);
      }
      Upstream.Body body =
          (Upstream.Body) source.fetch("downloads/release notes 100% (final).txt", null, 1000);
      assertThat(new String(body.bytes()))
          .isEqualTo("bytes of downloads/release notes 100% (final).txt");
    }
  }

  @Test
  void runsBeyondTheDaemonsLimitAreRefusedAndLoweredAndEveryFileStillArrives() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 1500; i++) names.add("pool/f%02d/file-%04d".formatted(i % 30, i));
    Path root = upstream(names.toArray(String[]::new));
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp, 0, 2);
        RsyncUpstream source =
            new RsyncUpstream(
                daemon.uri(), tmp.resolve("work"), null, settings(6), Ticker.SYSTEM)) {
      for (String n : names) source.expect(n, 16);
      for (int i = 0; i < names.size(); i++) {
        Path target = tmp.resolve("target-" + i);
        source.place(names.get(i), target, false);
        assertThat(target).as(names.get(i)).hasContent("bytes of " + names.get(i));
      }
      assertThat(daemon.log()).as("the daemon refused runs").contains("max connections (2)");
      assertThat(source.warnings())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          // 2, or 1 where a run ended just before the refusal still held its place there
          .matches(
              ".* refused runs of rsync beyond ([12]) at once \\(its max connections\\): \\1 at once instead of 6");
      assertThat(source.warnings()).as("said once").isEmpty();
    }
  }

  @Test
  void aMissingFileIsNotFoundAndItsBatchStillArrives() throws Exception {
    Path root = upstream("a/one", "a/two");
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp);
        RsyncUpstream source = rsync(daemon.uri())) {
      for (String n : List.of("a/one", "a/gone", "a/two")) source.expect(n, -1);
      assertThatThrownBy(() -> source.place("a/gone", tmp.resolve("g"), false))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.NOT_FOUND));
      source.place("a/one", tmp.resolve("1"), false);
      source.place("a/two", tmp.resolve("2"), false);
      assertThat(tmp.resolve("2")).hasContent("bytes of a/two");
      assertThatThrownBy(() -> source.fetch("a/gone", null, 1000))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.NOT_FOUND));
    }
  }

  @Test
  void aConditionalFetchOfAnUnchangedFileIsNotModified() throws Exception {
    Path root = upstream("dists/stable/InRelease");
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp);
        RsyncUpstream source = rsync(daemon.uri())) {
      Upstream.Body first = (Upstream.Body) source.fetch("dists/stable/InRelease", null, 1000);
      assertThat(source.fetch("dists/stable/InRelease", first.validators(), 1000))
          .isInstanceOf(Upstream.NotModified.class);
      Files.writeString(root.resolve("dists/stable/InRelease"), "changed");
      assertThat(source.fetch("dists/stable/InRelease", first.validators(), 1000))
          .isInstanceOfSatisfying(
              Upstream.Body.class, b -> assertThat(new String(b.bytes())).isEqualTo("changed"));
    }
  }

  /**
   * The Release files of every suite come in one run: once the daemon is gone, each answers its
   * first fetch (an absent one as not found); a second fetch, or one after the prefetch closed,
   * asks the upstream again.
   */
  @Test
  void aPrefetchBringsEveryReleaseFileInOneRunForItsFirstFetch() throws Exception {
    Path root =
        upstream(
            "dists/stable/InRelease",
            "dists/stable/Release",
            "dists/stable/Release.gpg",
            "dists/old/Release");
    RsyncDaemon daemon = RsyncDaemon.serve(root, tmp);
    try (RsyncUpstream source = rsync(daemon.uri())) {
      Upstream.Prefetch prefetch =
          source.prefetch(
              List.of(
                  "dists/stable/InRelease",
                  "dists/stable/Release",
                  "dists/stable/Release.gpg",
                  "dists/old/InRelease",
                  "dists/old/Release"));
      daemon.close();
      Upstream.Body in = (Upstream.Body) source.fetch("dists/stable/InRelease", null, 1000);
      assertThat(new String(in.bytes())).isEqualTo("bytes of dists/stable/InRelease");
      assertThat(in.lastModifiedMillis()).contains(1_700_000_000_000L);
      assertThat(source.fetch("dists/old/Release", in.validators(), 1000))
          .as("another file's validators")
          .isInstanceOf(Upstream.Body.class);
      Upstream.Body release = (Upstream.Body) source.fetch("dists/stable/Release", null, 1000);
      assertThatThrownBy(() -> source.fetch("dists/old/InRelease", null, 1000))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.NOT_FOUND));
      assertThatThrownBy(() -> source.fetch("dists/stable/Release", release.validators(), 1000))
          .as("the second fetch asks the daemon, which is gone")
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TRANSIENT));
      prefetch.close();
      assertThatThrownBy(() -> source.fetch("dists/stable/Release.gpg", null, 1000))
          .as("brought, never fetched, forgotten once the prefetch closed: asked of the daemon")
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TRANSIENT));
    } finally {
      daemon.close();
    }
  }

  @Test
  void aModuleThatRefusesAccessIsFatalInTheDaemonsWords() throws Exception {
    Path root = upstream("a/one");
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp)) {
      try (RsyncUpstream closed = rsync(daemon.module("closed"))) {
        assertThatThrownBy(() -> closed.fetch("a/one", null, 1000))
            .isInstanceOfSatisfying(
                FetchException.class,
                e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FATAL))
            .hasMessageContaining("access denied to closed");
        closed.expect("a/one", -1);
        assertThatThrownBy(() -> closed.place("a/one", tmp.resolve("1"), false))
            .hasMessageContaining("access denied to closed");
      }
      try (RsyncUpstream unknown = rsync(daemon.module("nosuch"))) {
        assertThatThrownBy(() -> unknown.fetch("a/one", null, 1000))
            .isInstanceOfSatisfying(
                FetchException.class,
                e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FATAL))
            .hasMessageContaining("Unknown module 'nosuch'");
      }
    }
  }

  @Test
  void aHostThatIsDownIsWorthRetryingAndSaysSo() throws Exception {
    int port = Nginx.freePort(); // nothing listens there
    try (RsyncUpstream down = rsync(URI.create("rsync://127.0.0.1:" + port + "/archive/"))) {
      assertThatThrownBy(() -> down.fetch("dists/stable/InRelease", null, 1000))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TRANSIENT))
          .hasMessageContaining("Connection refused");
    }
  }

  /**
   * rsync killed mid-file keeps what it had in its partial folder, and the next try sends only the
   * rest: the daemon is held to 4 MB/s so that the kill lands mid-file.
   */
  @Test
  void aRunKilledMidFileKeepsItsPartialCopyAndTheNextTryResumes() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("old-host/pool"));
    byte[] big = new byte[12 << 20];
    new Random(7).nextBytes(big);
    Files.write(root.resolve("big.deb"), big);
    Path work = tmp.resolve("work");
    try (RsyncDaemon daemon = RsyncDaemon.serve(root.getParent(), tmp, 4L << 20);
        RsyncUpstream source =
            new RsyncUpstream(daemon.uri(), work, null, settings(1), Ticker.SYSTEM)) {
      CompletableFuture<Long> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return source.place("pool/big.deb", tmp.resolve("big"), false);
                } catch (Exception e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              });
      Path destFolder = work.resolve("files/pool");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline && receivedSoFar(destFolder) < (3 << 20)) {
        Thread.sleep(50);
      }
      assertThat(receivedSoFar(destFolder)).as("rsync's temporary file grew").isPositive();
      List<ProcessHandle> runs =
          ProcessHandle.current()
              .children()
              .filter(p -> p.info().command().orElse("").endsWith("rsync"))
              .filter(
                  p -> !List.of(p.info().arguments().orElse(new String[0])).contains("--daemon"))
              .toList();
      assertThat(runs).as("the rsync run").isNotEmpty();
      runs.forEach(ProcessHandle::destroy);
      assertThatThrownBy(first::join)
          .cause()
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TRANSIENT));
      Path partial = destFolder.resolve(RsyncBatches.PARTIAL_DIR).resolve("big.deb");
      assertThat(partial).as("the partial copy kept").exists();
      long held = Files.size(partial);
      assertThat(held).isBetween(1L, (long) big.length - 1);

      long sent = source.place("pool/big.deb", tmp.resolve("big"), false);
      assertThat(tmp.resolve("big")).hasBinaryContent(big);
      assertThat(sent)
          .as("bytes sent for the rest of a file of %d, %d of which were held", big.length, held)
          .isLessThan(big.length - held / 2);
      assertThat(partial).as("the partial copy went into the whole one").doesNotExist();
    }
  }

  /**
   * A run goes on after its last file a transfer waits for was delivered; closing the upstream then
   * ends it, and leaves neither the run nor its list and errors behind. The daemon is held to 4
   * MB/s so that the run is still under way at the close.
   */
  @Test
  void closingEndsTheRunsUnderWayAndLeavesNoListsBehind() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("old-host/pool"));
    Files.writeString(root.resolve("a-small.deb"), "small");
    byte[] big = new byte[12 << 20];
    new Random(11).nextBytes(big);
    Files.write(root.resolve("big.deb"), big);
    Path work = tmp.resolve("work");
    try (RsyncDaemon daemon = RsyncDaemon.serve(root.getParent(), tmp, 4L << 20)) {
      RsyncUpstream source =
          new RsyncUpstream(daemon.uri(), work, null, settings(1), Ticker.SYSTEM);
      source.expect("pool/a-small.deb", 5);
      source.expect("pool/big.deb", big.length);
      source.place("pool/a-small.deb", tmp.resolve("small"), false);
      assertThat(rsyncRuns()).as("the run, still bringing big.deb").isNotEmpty();

      source.close();

      // The sync's JVM exits right after the close, and a runner still cleaning up would leave
      // its list behind: so none outlives the close.
      assertThat(Thread.getAllStackTraces().keySet())
          .as("rsync runners alive after the close")
          .noneMatch(t -> t.getName().startsWith("rsync-") && t.isAlive());
      assertThat(rsyncRuns()).as("runs left after the close").isEmpty();
      try (Stream<Path> left = Files.walk(work)) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .as("lists and errors left in " + work)
            .noneMatch(n -> n.endsWith(".list") || n.endsWith(".errors"));
      }
    }
  }

  /** The runs of rsync this JVM started, the daemon aside. */
  private static List<ProcessHandle> rsyncRuns() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").endsWith("rsync"))
        .filter(p -> !List.of(p.info().arguments().orElse(new String[0])).contains("--daemon"))
        .toList();
  }

  /** The bytes of rsync's temporary files in a folder ({@code .big.deb.XXXXXX}). */
  private static long receivedSoFar(Path folder) throws Exception {
    if (!Files.isDirectory(folder)) return 0;
    try (Stream<Path> files = Files.list(folder)) {
      long total = 0;
      for (Path p : files.filter(Files::isRegularFile).toList()) total += Files.size(p);
      return total;
    }
  }

  @Test
  void aChangedFileMovesAsABlockDeltaAgainstThePublishedCopy() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("old-host/sdk"));
    byte[] tarball = new byte[4 << 20];
    new Random(3).nextBytes(tarball);
    Files.write(root.resolve("sdk.tar"), tarball);
    Path published = Files.createDirectories(tmp.resolve("mirror/sdk"));
    Files.write(published.resolve("sdk.tar"), tarball);
    Files.setLastModifiedTime(
        published.resolve("sdk.tar"), FileTime.fromMillis(1_700_000_000_000L));
    tarball[2_000_000] ^= 1; // one byte changed upstream, a day later
    Files.write(root.resolve("sdk.tar"), tarball);
    Files.setLastModifiedTime(root.resolve("sdk.tar"), FileTime.fromMillis(1_700_086_400_000L));
    try (RsyncDaemon daemon = RsyncDaemon.serve(root.getParent(), tmp);
        RsyncUpstream source =
            new RsyncUpstream(
                daemon.uri(),
                tmp.resolve("work"),
                tmp.resolve("mirror"),
                settings(2),
                Ticker.SYSTEM)) {
      long sent = source.place("sdk/sdk.tar", tmp.resolve("staged"), false);
      assertThat(tmp.resolve("staged")).hasBinaryContent(tarball);
      assertThat(sent).as("bytes sent for one changed byte of 4 MiB").isLessThan(200_000);
      assertThat(published.resolve("sdk.tar")).as("the published copy untouched").exists();

      long fromScratch = source.place("sdk/sdk.tar", tmp.resolve("again"), true);
      assertThat(fromScratch).as("alone: no basis, the whole file").isGreaterThan(tarball.length);
    }
  }

  @Test
  void listsTheTreeWithSizesMtimesAndLinks() throws Exception {
    Path root = upstream("a/one", "a/b/two words");
    Files.createSymbolicLink(root.resolve("a/link"), Path.of("one"));
    try (RsyncDaemon daemon = RsyncDaemon.serve(root, tmp);
        RsyncUpstream source = rsync(daemon.uri())) {
      List<RsyncListing.Entry> listed = new ArrayList<>();
      source.list(listed::add);
      assertThat(listed)
          .contains(
              new RsyncListing.Entry(RsyncListing.Type.FILE, "a/one", 14, 1_700_000_000_000L, null),
              new RsyncListing.Entry(
                  RsyncListing.Type.FILE, "a/b/two words", 22, 1_700_000_000_000L, null))
          .anySatisfy(
              e -> {
                assertThat(e.type()).isEqualTo(RsyncListing.Type.SYMLINK);
                assertThat(e.path()).isEqualTo("a/link");
                assertThat(e.linkTarget()).isEqualTo("one");
              });
    }
  }
}
