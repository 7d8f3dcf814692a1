package org.repomirror.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;

/**
 * A kill -9 in the middle of a long initial sync loses at most the files in flight (the connections
 * times their pipelines' depth): what was verified before the kill is not fetched again, and
 * partial downloads resume. Counted in the bytes the upstream sent before and after the kill.
 */
class CrashResumeTest {
  private static final int PACKAGES = 40;

  /**
   * The kill lands when the 20th file is staged: 4 indexes (two Packages, two by-hash), 16 debs.
   */
  private static final int KILL_AFTER = 20;

  private static final int INDEXES = 4;

  @TempDir Path tmp;

  @Test
  void aKilledInitialSyncFetchesAgainOnlyWhatWasInFlight() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path upstream = tmp.resolve("upstream");
    SampleRepository r = SampleRepository.modern(upstream, "stable").signedBy(key);
    for (int i = 0; i < PACKAGES; i++) r.add("pkg" + i, "1.0", "amd64", "main", 100_000);
    SampleRepository.Suite suite = r.write();
    long pool = 0;
    for (SampleRepository.SamplePackage p : suite.packages()) pool += p.deb().length;
    Path mirror = tmp.resolve("mirror");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    try (ScriptedUpstream up = new ScriptedUpstream(upstream)) {
      List<String> sync =
          List.of(
              "sync",
              "--root",
              mirror.toString(),
              "--upstream",
              up.uri().toString(),
              "--dist",
              "dists/stable",
              "--keyring",
              keyring.toString(),
              "--connections",
              "4",
              "--pipeline",
              "2",
              "--bwlimit",
              "2MiB");
      Process killed = SyncProcess.start(sync, "staged:" + KILL_AFTER, tmp.resolve("killed.log"));
      assertThat(killed.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(killed.exitValue()).as(Files.readString(tmp.resolve("killed.log"))).isEqualTo(137);
      long before = up.bodyBytesSent();
      Set<String> verified = verifiedBeforeTheKill(mirror);
      assertThat(verified)
          .as("verified before the kill")
          .hasSizeGreaterThanOrEqualTo(KILL_AFTER - INDEXES);

      up.clearRequests();
      Process restarted = SyncProcess.start(sync, null, tmp.resolve("restarted.log"));
      assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(restarted.exitValue()).as(Files.readString(tmp.resolve("restarted.log"))).isZero();
      long after = up.bodyBytesSent() - before;

      assertThat(up.requests())
          .as("no file verified before the kill is fetched again")
          .noneMatch(q -> verified.contains(q.path()));
      // At most the files in flight: two per connection (the pipeline), plus indexes.
      long inFlight = 4L * 2 * 100_000 + 64 * 1024;
      assertThat(after)
          .as("bytes after the kill")
          .isLessThanOrEqualTo(pool - verified.size() * 90_000L + inFlight);
      assertThat(before + after).as("bytes in all").isLessThanOrEqualTo(pool + 2 * inFlight);
      for (SampleRepository.SamplePackage p : suite.packages()) {
        assertThat(Files.readAllBytes(mirror.resolve(p.filename()))).isEqualTo(p.deb());
      }
      Reliability.record(
          "crash-resume",
          String.format(
              "initial sync of %d packages (%.1f MB) killed after %d files verified: %.1f MB sent"
                  + " before the kill, %.1f MB after; none of the %d verified files fetched again",
              PACKAGES, pool / 1e6, KILL_AFTER, before / 1e6, after / 1e6, verified.size()));
    }
  }

  /**
   * Pool files the killed run had verified: published, or staged whole (not {@code .part}; staged
   * names are paths with {@code /} written {@code %2F}).
   */
  private static Set<String> verifiedBeforeTheKill(Path mirror) throws Exception {
    Set<String> verified = new HashSet<>();
    if (Files.exists(mirror.resolve("pool"))) {
      try (Stream<Path> walk = Files.walk(mirror.resolve("pool"))) {
        walk.filter(p -> p.toString().endsWith(".deb"))
            .forEach(p -> verified.add(mirror.relativize(p).toString()));
      }
    }
    try (Stream<Path> staged = Files.list(mirror.resolve(".repomirror/staging"))) {
      staged
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".deb"))
          .forEach(n -> verified.add(n.replace("%2F", "/").replace("%25", "%")));
    }
    return verified;
  }
}
