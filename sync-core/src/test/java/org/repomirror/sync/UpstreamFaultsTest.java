package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.repomirror.index.Index;
import org.repomirror.report.FileAction;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.source.HttpUpstream;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.ScriptedUpstream.Fault;
import org.repomirror.testing.TestKey;
import org.repomirror.testing.TestRepository;
import org.repomirror.transfer.Transfer;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;

/**
 * Each fault a misbehaving upstream can throw at a pool file, with the policy's answer: resume,
 * retry, back off, quarantine, or report.
 */
class UpstreamFaultsTest {
  private static final String DEB = "pool/main/h/hello/hello_2.10-3_amd64.deb";
  private static TestKey key;
  private static final AtomicInteger injected = new AtomicInteger();
  private static final AtomicInteger handled = new AtomicInteger();

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    key = TestKey.generateRsa("archive <a@example.org>");
  }

  @AfterAll
  static void figures() {
    Reliability.record(
        "faults",
        injected.get()
            + " upstream faults injected in 13 cases of 11 kinds; "
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
    "REDIRECT_LOOP, 1, refused",
  })
  void eachFaultIsHandledByPolicy(Fault fault, int times, String outcome) throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    TestRepository.modern(upstreamRoot, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 300_000)
        .add("tzdata", "2026a-1", "all", "main", 1000)
        .write();
    byte[] original = Files.readAllBytes(upstreamRoot.resolve(DEB));
    Path mirror = tmp.resolve("mirror");
    SyncReport report;
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot);
        Index index = Index.open(mirror.resolve(".repomirror/index"));
        HttpUpstream source = new HttpUpstream(upstream.uri(), Duration.ofSeconds(1), 4)) {
      upstream.fail(DEB, fault, times);
      injected.addAndGet(Math.min(times, 4));
      SyncOptions options =
          TestSyncOptions.of(
              List.of("dists/stable"),
              true,
              Duration.ofHours(1),
              1000,
              4,
              4,
              Transfer.MismatchPolicy.STRICT);
      report =
          new SyncEngine(
                  mirror,
                  source,
                  index,
                  new ReleaseVerifier(Keyring.of(key.publicKeyring()), false),
                  options,
                  Clock.systemUTC())
              .run();
    }
    switch (outcome) {
      case "fetched" -> {
        assertThat(report.outcome()).as(report.summary()).isEqualTo(RunOutcome.OK);
        assertThat(Files.readAllBytes(mirror.resolve(DEB))).isEqualTo(original);
      }
      case "quarantined" -> {
        assertThat(report.outcome()).isEqualTo(RunOutcome.PROBLEMS);
        assertThat(report.failures())
            .singleElement()
            .extracting(SyncReport.Failure::action)
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
    try (java.util.stream.Stream<Path> left = Files.list(mirror.resolve(".repomirror/staging"))) {
      List<String> names = left.map(p -> p.getFileName().toString()).toList();
      if (outcome.equals("gave-up")) {
        assertThat(names)
            .as("only the partial download, to resume")
            .allMatch(n -> n.endsWith(".part"));
      } else {
        assertThat(names).as("nothing left in staging").isEmpty();
      }
    }
    handled.incrementAndGet();
  }
}
