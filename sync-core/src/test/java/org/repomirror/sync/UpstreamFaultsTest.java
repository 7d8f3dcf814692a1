package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.repomirror.index.Index;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Failure;
import org.repomirror.run.FileAction;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.source.HttpUpstream;
import org.repomirror.store.Generations;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.ScriptedUpstream.Fault;
import org.repomirror.transfer.Transfer;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;

/**
 * Each fault a misbehaving upstream can throw at a pool file, with the policy's answer: resume,
 * retry, back off, quarantine, or report.
 */
class UpstreamFaultsTest {
  private static final String DEB = "pool/main/h/hello/hello_2.10-3_amd64.deb";
  private static SigningKey key;

  /** The files a sync publishes of its own: a generation's marker, the trace and the manifest. */
  private static final Set<String> OUR_OWN =
      Set.of(
          "dists/stable/" + Generations.MARKER,
          "project/trace/" + TestSyncOptions.HOST,
          "project/repomirror/manifest.gz");

  private static final AtomicInteger served = new AtomicInteger();
  private static final AtomicInteger cases = new AtomicInteger();
  private static final Set<Fault> kinds = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final AtomicInteger handled = new AtomicInteger();

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  @AfterAll
  static void figures() {
    Reliability.record(
        "faults",
        served.get()
            + " faulty responses served by the upstream (as it counted them) in "
            + cases.get()
            + " cases of "
            + kinds.size()
            + " kinds, Retry-After honoured and capped among them; "
            + handled.get()
            + " cases handled as the policy says");
  }

  /**
   * @param times how many requests in a row misbehave
   * @param outcome fetched (recovered), quarantined, missing, gave-up or refused
   */
  @ParameterizedTest(name = "{0} x{1} -> {2}")
  @CsvSource({
    "RESET_HALFWAY, 2, fetched",
    "TRUNCATED, 2, fetched",
    "LONG_CONTENT_LENGTH, 2, fetched",
    "SERVER_ERROR, 2, fetched",
    "UNAVAILABLE, 3, fetched",
    "STALL, 1, fetched",
    "TRICKLE, 1, fetched",
    "REDIRECT, 1, fetched",
    "CORRUPT, 1, fetched",
    "CORRUPT, 10, quarantined",
    "NOT_FOUND, 10, missing",
    "SERVER_ERROR, 10, gave-up",
    "TRUNCATED, 10, gave-up",
    "REDIRECT_LOOP, 1, refused",
  })
  void eachFaultIsHandledByPolicy(Fault fault, int times, String outcome) throws Exception {
    Path upstreamRoot = upstream();
    byte[] original = Files.readAllBytes(upstreamRoot.resolve(DEB));
    Path mirror = tmp.resolve("mirror");
    Run run = sync(upstreamRoot, mirror, fault, times, null, Duration.ofMillis(50));
    SyncReport report = run.report();
    switch (outcome) {
      case "fetched" -> {
        assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
        assertThat(Files.readAllBytes(mirror.resolve(DEB))).isEqualTo(original);
        assertThat(run.faultsServed()).as("faulty responses the upstream served").isEqualTo(times);
      }
      case "quarantined" -> {
        assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
        assertThat(report.failures())
            .singleElement()
            .extracting(Failure::action)
            .isEqualTo(FileAction.QUARANTINED);
        assertThat(mirror.resolve(".repomirror/quarantine/" + DEB)).exists();
        assertThat(mirror.resolve(DEB)).doesNotExist();
        assertThat(mirror.resolve("dists/stable/InRelease"))
            .as("metadata held back")
            .doesNotExist();
      }
      case "missing", "gave-up", "refused" -> {
        assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
        assertThat(report.failures())
            .singleElement()
            .satisfies(
                f -> {
                  assertThat(f.path()).isEqualTo(DEB);
                  assertThat(f.action())
                      .isEqualTo(
                          switch (outcome) {
                            case "missing" -> FileAction.MISSING;
                            case "refused" -> FileAction.REFUSED;
                            default -> FileAction.GAVE_UP;
                          });
                });
        assertThat(mirror.resolve(DEB)).doesNotExist();
        assertThat(mirror.resolve("dists/stable/InRelease")).doesNotExist();
      }
      default -> throw new IllegalArgumentException(outcome);
    }
    if (!outcome.equals("fetched")) {
      assertThat(run.faultsServed())
          .as("faulty responses the upstream served")
          .isBetween(1, Math.max(times, 1000));
    }
    // A run that gave up on a file it got part of keeps that part to resume from.
    boolean partReceived = fault == Fault.TRUNCATED || fault == Fault.RESET_HALFWAY;
    assertNothingHalfDone(upstreamRoot, mirror, outcome.equals("gave-up") && partReceived);
    handled.incrementAndGet();
  }

  /** A 503's Retry-After is waited for, up to the configured longest wait, and no longer. */
  @ParameterizedTest(name = "Retry-After {0} with at most {1} ms -> waited {2}..{3} ms")
  @CsvSource({"1, 5000, 1000, 4000", "120, 50, 0, 1000"})
  void retryAfterIsHonouredUpToItsCap(
      String retryAfter, long maxMillis, long atLeastMillis, long belowMillis) throws Exception {
    Path upstreamRoot = upstream();
    Path mirror = tmp.resolve("mirror");
    Run run =
        sync(upstreamRoot, mirror, Fault.UNAVAILABLE, 1, retryAfter, Duration.ofMillis(maxMillis));
    assertThat(run.report().outcome()).as(run.report().summary()).isEqualTo(RunOutcome.OK);
    assertThat(run.faultsServed()).isEqualTo(1);
    List<Long> times =
        run.requests().stream()
            .filter(r -> r.path().equals(DEB))
            .map(ScriptedUpstream.Request::receivedNanos)
            .toList();
    assertThat(times).as("the 503, then the retry").hasSize(2);
    long waited = (times.get(1) - times.get(0)) / 1_000_000;
    assertThat(waited).isBetween(atLeastMillis, belowMillis - 1);
    assertNothingHalfDone(upstreamRoot, mirror, false);
    handled.incrementAndGet();
  }

  /** One sync of the test upstream with a fault scripted on the pool file. */
  private record Run(
      SyncReport report, int faultsServed, List<ScriptedUpstream.Request> requests) {}

  private Path upstream() throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    SampleRepository.modern(upstreamRoot, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 300_000)
        .add("tzdata", "2026a-1", "all", "main", 1000)
        .write();
    return upstreamRoot;
  }

  private static Run sync(
      Path upstreamRoot,
      Path mirror,
      Fault fault,
      int times,
      String retryAfter,
      Duration maxRetryAfter)
      throws Exception {
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot);
        Index index = Index.open(mirror.resolve(".repomirror/index"));
        HttpUpstream source = new HttpUpstream(upstream.uri(), Duration.ofSeconds(1), 4)) {
      upstream.fail(DEB, fault, times);
      if (retryAfter != null) upstream.retryAfter(retryAfter);
      SyncOptions defaults =
          TestSyncOptions.of(
              List.of("dists/stable"),
              true,
              Duration.ofHours(1),
              1000,
              4,
              4,
              Transfer.MismatchPolicy.STRICT);
      Transfer.Settings t = defaults.transfer();
      SyncOptions options =
          new SyncOptions(
              defaults.dists(),
              defaults.selection(),
              defaults.verifySignatures(),
              defaults.allowErrors(),
              defaults.deleteGrace(),
              defaults.maxDelete(),
              new Transfer.Settings(
                  t.connections(),
                  t.attempts(),
                  t.backoff(),
                  maxRetryAfter,
                  t.throttle(),
                  t.policy()),
              defaults.hostname());
      SyncReport report =
          new SyncEngine(
                  mirror,
                  source,
                  index,
                  new ReleaseVerifier(Keyring.of(key.publicKeyring()), false),
                  options,
                  Clock.systemUTC())
              .run();
      served.addAndGet(upstream.faultsServed());
      cases.incrementAndGet();
      kinds.add(fault);
      return new Run(report, upstream.faultsServed(), upstream.requests());
    }
  }

  /**
   * Nothing of the run is left half done anywhere in the mirror: no partial or temporary file in
   * the served tree, and staging (every folder of it) empty, but for the one partial download a run
   * that gave up keeps to resume.
   */
  private static void assertNothingHalfDone(Path upstreamRoot, Path mirror, boolean gaveUp)
      throws Exception {
    List<String> served;
    List<String> staged;
    try (Stream<Path> walk = Files.walk(mirror)) {
      List<String> all =
          walk.filter(Files::isRegularFile).map(p -> mirror.relativize(p).toString()).toList();
      served =
          all.stream()
              .filter(p -> !p.startsWith(".repomirror/"))
              .filter(p -> !OUR_OWN.contains(p))
              .toList();
      staged = all.stream().filter(p -> p.startsWith(".repomirror/staging/")).toList();
    }
    assertThat(served)
        .as("served files the upstream does not have")
        .allMatch(p -> Files.isRegularFile(upstreamRoot.resolve(p)));
    if (gaveUp) {
      assertThat(staged).as("only the partial download, to resume").singleElement();
      assertThat(staged.getFirst()).endsWith(".part");
      assertThat(Files.size(mirror.resolve(staged.getFirst()))).isPositive();
    } else {
      assertThat(staged).as("left in staging").isEmpty();
    }
  }
}
