package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.index.Index;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.source.Http2Use;
import org.repomirror.source.HttpUpstream;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.TreeSnapshot;
import org.repomirror.transfer.Transfer;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;

/**
 * The pool's downloads start as soon as an index lists them, not once every index of every suite is
 * read: the upstream holds one component's Packages until a pool request has come, which deadlocks
 * (until the hold gives up) a sync that reads every index before the pool. And an index that turns
 * out corrupt after others were read still leaves the served tree as it was.
 */
class StreamingIndexesTest {
  private static final Duration HOLD = Duration.ofSeconds(10);
  private static final String CONTRIB = "dists/stable/contrib/binary-amd64/";

  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  private Path upstreamRoot() {
    return tmp.resolve("upstream");
  }

  private Path mirror() {
    return tmp.resolve("mirror");
  }

  private SampleRepository suite(long seed) {
    return SampleRepository.modern(upstreamRoot(), "stable")
        .components("main", "contrib")
        .architectures("amd64")
        .signedBy(key)
        .seed(seed)
        .add("hello", "2.10-" + seed, "amd64", "main", 3000)
        .add("world", "1.0-" + seed, "amd64", "main", 5000)
        .add("extra", "0.1-" + seed, "amd64", "contrib", 2000);
  }

  /**
   * Holds every file of contrib's index folder (each variant of its Packages and each by-hash copy,
   * whichever a sync asks for first) until the upstream has received a request for a pool file
   * since the hold was set, or the hold gives up; counts the holds that a pool request ended.
   */
  private AtomicInteger holdContribUntilAPoolRequest(ScriptedUpstream upstream) throws Exception {
    upstream.clearRequests();
    AtomicInteger endedByAPoolRequest = new AtomicInteger();
    List<String> held;
    try (var files = Files.walk(upstreamRoot().resolve(CONTRIB))) {
      held =
          files
              .filter(Files::isRegularFile)
              .map(f -> upstreamRoot().relativize(f).toString())
              .toList();
    }
    assertThat(held).contains(CONTRIB + "Packages.xz").anyMatch(p -> p.contains("/by-hash/"));
    for (String path : held) {
      upstream.beforeFirst(
          path::equals,
          () -> {
            long deadline = System.nanoTime() + HOLD.toNanos();
            while (System.nanoTime() < deadline) {
              if (upstream.requests().stream().anyMatch(r -> r.path().startsWith("pool/"))) {
                endedByAPoolRequest.incrementAndGet();
                return;
              }
              sleep(10);
            }
          });
    }
    return endedByAPoolRequest;
  }

  /**
   * Dates the new Release files a minute later: written in the same second as the first, with the
   * same length, their validators (mtime and length, as nginx makes them) would match, and the
   * upstream would rightly answer 304.
   */
  private void laterThanTheFirst() throws java.io.IOException {
    java.nio.file.attribute.FileTime later =
        java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60));
    for (String name : List.of("InRelease", "Release", "Release.gpg")) {
      Files.setLastModifiedTime(upstreamRoot().resolve("dists/stable/" + name), later);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private SyncReport sync(ScriptedUpstream upstream) throws Exception {
    SyncOptions options =
        TestSyncOptions.of(
            List.of("dists/stable"),
            true,
            Duration.ofHours(1),
            1000,
            8,
            2,
            Transfer.MismatchPolicy.STRICT);
    try (Index index = Index.open(mirror().resolve(".repomirror/index"));
        // One request per connection: the held index must not hold up a pool request queued behind
        // it on its connection, which the upstream reads only after answering it (PipeliningTest
        // covers pipelines).
        HttpUpstream source =
            new HttpUpstream(
                upstream.uri(), Duration.ofSeconds(30), 8, 1, Http2Use.OFF, Clock.systemUTC())) {
      return new SyncEngine(
              mirror(),
              source,
              index,
              new ReleaseVerifier(Keyring.of(key.publicKeyring()), false),
              options,
              Clock.systemUTC())
          .run();
    }
  }

  @Test
  void theFirstPoolRequestLeavesBeforeTheLastIndexIsRead() throws Exception {
    suite(1).write();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      AtomicInteger released = holdContribUntilAPoolRequest(upstream);
      SyncReport report = sync(upstream);
      assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
      assertThat(released.get())
          .as(
              "contrib's Packages were held until a pool file was asked for, not until the hold gave up")
          .isPositive();
      for (String path : List.of(CONTRIB + "Packages.xz", "dists/stable/InRelease")) {
        assertThat(Files.readAllBytes(mirror().resolve(path)))
            .isEqualTo(Files.readAllBytes(upstreamRoot().resolve(path)));
      }
      assertThat(report.suites().getFirst().counts().fetched())
          .as("three packages, and the indexes and Release files")
          .isGreaterThan(3);
    }
  }

  @Test
  void anIndexFoundCorruptAfterThePoolStartedLeavesTheServedTreeAsItWas() throws Exception {
    suite(1).write();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream).outcome()).isEqualTo(RunOutcome.OK);
      Map<String, String> before = TreeSnapshot.served(mirror(), false);
      suite(2).malformed("contrib").write();
      laterThanTheFirst();
      AtomicInteger released = holdContribUntilAPoolRequest(upstream);

      SyncReport report = sync(upstream);

      assertThat(released.get()).as("main's new pool files were asked for first").isPositive();
      SyncReport.SuiteReport suite = report.suites().getFirst();
      assertThat(suite.outcome()).as(report.summary()).isEqualTo(SuiteOutcome.MALFORMED);
      assertThat(suite.reason()).startsWith("corrupt index: " + CONTRIB);
      assertThat(TreeSnapshot.served(mirror(), false))
          .as("the served tree byte for byte, our own files included, though new pool files came")
          .isEqualTo(before);
    }
  }
}
