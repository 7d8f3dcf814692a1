package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.index.Index;
import org.repomirror.report.PlanReport;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Change;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.source.HttpUpstream;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.transfer.Transfer;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;

/** The final sync and the plan, against a real scriptable upstream and a real RocksDB. */
class FinalSyncTest {
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

  private void suite(long seed, boolean newcomer) throws Exception {
    SampleRepository r =
        SampleRepository.modern(upstreamRoot(), "stable")
            .components("main")
            .architectures("amd64")
            .signedBy(key)
            .seed(seed)
            .add("hello", "2.10-3", "amd64", "main", 3000)
            .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 50_000);
    if (newcomer) r.add("newcomer", "1.0", "amd64", "main", 7000);
    r.write();
  }

  private SyncEngine engine(ScriptedUpstream upstream, Index index, HttpUpstream source)
      throws Exception {
    SyncOptions options =
        TestSyncOptions.of(
            List.of("dists/stable"),
            true,
            Duration.ofHours(1),
            1000,
            4,
            3,
            Transfer.MismatchPolicy.STRICT);
    return new SyncEngine(
        mirror(),
        source,
        index,
        new ReleaseVerifier(Keyring.of(key.publicKeyring()), false),
        options,
        Clock.systemUTC());
  }

  private SyncReport sync(ScriptedUpstream upstream, boolean finalSync) throws Exception {
    try (Index index = Index.open(mirror().resolve(".repomirror/index"));
        HttpUpstream source = new HttpUpstream(upstream.uri(), Duration.ofSeconds(10), 4)) {
      SyncEngine e = engine(upstream, index, source);
      return (finalSync ? e.finalSync() : e).run();
    }
  }

  private PlanReport plan(ScriptedUpstream upstream) throws Exception {
    try (Index index = Index.open(mirror().resolve(".repomirror/index"));
        HttpUpstream source = new HttpUpstream(upstream.uri(), Duration.ofSeconds(10), 4)) {
      return engine(upstream, index, source).plan(java.time.Duration.ZERO);
    }
  }

  @Test
  void aFinalSyncOfAnUnchangedUpstreamIsIdentical() throws Exception {
    suite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream, false).outcome()).isEqualTo(RunOutcome.OK);
      SyncReport last = sync(upstream, true);
      assertThat(last.outcome()).as(last.summary()).isEqualTo(RunOutcome.OK);
      assertThat(last.finalSync().identical()).isTrue();
      assertThat(last.finalSync().verdict()).startsWith("identical to upstream as of ");
      assertThat(last.findings().changes()).isEmpty();
      assertThat(last.run().phaseMillis()).containsKeys("list", "verify", "publish");
      assertThat(last.finalSync().proof().filesVerified())
          .as("nothing written, nothing to re-hash")
          .isZero();
      assertThat(last.finalSync().proof().suitesChecked()).isEqualTo(1);
      assertThat(last.summary()).contains("verdict: identical to upstream as of");
    }
  }

  @Test
  void theReportListsExactlyTheChanges() throws Exception {
    suite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThat(sync(upstream, false).outcome()).isEqualTo(RunOutcome.OK);
      Map<String, String> before = SyncEngineTest.contents(upstreamRoot());
      Thread.sleep(1100);
      suite(1, true);
      Map<String, String> after = SyncEngineTest.contents(upstreamRoot());
      Set<String> changedUpstream = new TreeSet<>();
      after.forEach(
          (p, h) -> {
            if (!h.equals(before.get(p))) changedUpstream.add(p);
          });
      assertThat(changedUpstream).anyMatch(p -> p.contains("newcomer"));

      SyncReport last = sync(upstream, true);
      assertThat(last.outcome()).as(last.summary()).isEqualTo(RunOutcome.OK);
      assertThat(last.finalSync().identical()).isTrue();
      Set<String> reported = new TreeSet<>();
      last.findings().changes().forEach(c -> reported.add(c.path()));
      assertThat(last.findings().changes()).allMatch(c -> c.action() == Change.Action.FETCHED);
      assertThat(last.finalSync().proof().filesVerified()).isEqualTo(changedUpstream.size());
      assertThat(reported).isEqualTo(changedUpstream);
    }
  }

  @Test
  void anUpdateLockOnTheUpstreamRefusesTheStart() throws Exception {
    suite(1, false);
    Files.writeString(upstreamRoot().resolve("Archive-Update-in-Progress-127.0.0.1"), "");
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      assertThatThrownBy(() -> sync(upstream, true))
          .isInstanceOf(UpstreamBusyException.class)
          .hasMessageContaining("Archive-Update-in-Progress-127.0.0.1");
      assertThat(mirror().resolve("dists")).doesNotExist();
      assertThat(sync(upstream, false).outcome())
          .as("an ordinary sync does not look")
          .isEqualTo(RunOutcome.OK);
    }
  }

  @Test
  void aReleaseThatChangesMidRunIsSyncedAgain() throws Exception {
    suite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      upstream.beforeFirst(
          p -> p.endsWith(".deb"),
          () -> {
            try {
              Thread.sleep(1100); // a new mtime, a new Release
              suite(1, true);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      SyncReport last = sync(upstream, true);
      assertThat(last.finalSync().suiteReruns()).isEqualTo(1);
      assertThat(last.warnings()).anyMatch(w -> w.contains("changed during the run"));
      assertThat(last.outcome()).as(last.summary()).isEqualTo(RunOutcome.OK);
      assertThat(last.finalSync().identical()).isTrue();
      assertThat(SyncEngineTest.contents(mirror()))
          .containsAllEntriesOf(SyncEngineTest.contents(upstreamRoot()));
    }
  }

  @Test
  void aFileThatStaysBadMakesTheVerdictListIt() throws Exception {
    suite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      String hello = "pool/main/h/hello/hello_2.10-3_amd64.deb";
      upstream.fail(hello, ScriptedUpstream.Fault.CORRUPT, 10);
      SyncReport last = sync(upstream, true);
      assertThat(last.outcome()).isEqualTo(RunOutcome.PROBLEMS);
      assertThat(last.finalSync().identical()).isFalse();
      assertThat(last.finalSync().differences()).anyMatch(d -> d.startsWith(hello + ": "));
      assertThat(last.finalSync().verdict()).endsWith("difference(s) from upstream");
    }
  }

  @Test
  void aPlanFetchesNothingAndItsEstimateReachesTheNextRun() throws Exception {
    suite(1, false);
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot())) {
      PlanReport first = plan(upstream);
      assertThat(first.items())
          .singleElement()
          .extracting(PlanReport.Item::state)
          .isEqualTo("changed");
      assertThat(first.totals().fetchFiles()).isGreaterThanOrEqualTo(2);
      assertThat(first.estimate().estimateBasis())
          .contains("probe")
          .as("what this process paid before listing, and the disk past its cache")
          .contains("start-up")
          .contains("to disk sustained");
      assertThat(mirror().resolve("dists")).as("nothing published").doesNotExist();
      assertThat(mirror().resolve("pool")).as("the probe's files are not kept").doesNotExist();

      SyncReport synced = sync(upstream, false);
      assertThat(synced.run().plannedSeconds()).isEqualTo(first.estimate().estimatedSeconds());

      Thread.sleep(1100);
      suite(1, true);
      PlanReport second = plan(upstream);
      long newcomerBytes =
          Files.size(upstreamRoot().resolve("pool/main/n/newcomer/newcomer_1.0_amd64.deb"));
      assertThat(second.totals().fetchBytes()).isGreaterThan(newcomerBytes);
      assertThat(second.estimate().estimateBasis()).contains("probe");
      assertThat(mirror().resolve("pool/main/n/newcomer/newcomer_1.0_amd64.deb")).doesNotExist();
      assertThat(second.summary()).contains("dists/stable").contains("estimated duration");
    }
  }
}
