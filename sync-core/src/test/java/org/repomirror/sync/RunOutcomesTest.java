package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Failure;
import org.repomirror.run.FileAction;
import org.repomirror.sample.SigningKey;
import org.repomirror.tree.TreeOutcome;
import org.repomirror.tree.TreeResult;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;

/**
 * How a run's findings add up to the one outcome the exit code is made from, and the one line that
 * says why: each finding alone, then which one a run with several reports first.
 */
class RunOutcomesTest {
  private static SyncReport.SuiteReport suite(String dist, SuiteOutcome outcome, String reason) {
    return SyncReport.SuiteReport.early(dist, outcome, reason, List.of("KEY rsa/SHA256"));
  }

  private static final SyncReport.SuiteReport PUBLISHED =
      suite("dists/stable", SuiteOutcome.PUBLISHED, null);

  private static Failure failure(String path, FileAction action) {
    return new Failure(path, "http://u/" + path, 10, null, -1, null, "HTTP 404", action);
  }

  private static TreeResult tree(TreeOutcome outcome, String reason) {
    return new TreeResult(
        new TreeResult.Source("autoindex", "size-mtime"),
        outcome,
        reason,
        new TreeResult.Seen(0, 0, 0, 0),
        new TreeResult.Moved(0, 0, 0, 0),
        new TreeResult.Unmirrored(List.of(), 0));
  }

  private static SyncReport.FinalReport verdict(boolean identical) {
    return new SyncReport.FinalReport(
        identical,
        identical ? "identical" : "2 difference(s) from upstream",
        List.of(),
        1,
        0,
        new SyncReport.FinalReport.Proof(0, 0, 0, 1));
  }

  private static RunOutcomes.Findings findings(
      List<SyncReport.SuiteReport> suites,
      TreeResult tree,
      List<Failure> failures,
      boolean guardTripped,
      SyncReport.FinalReport verdict) {
    return new RunOutcomes.Findings(suites, tree, failures, guardTripped, verdict);
  }

  @Test
  void aRunWithNothingWrongIsOkWithNoReason() {
    RunOutcomes.Findings f =
        findings(
            List.of(PUBLISHED, suite("dists/old", SuiteOutcome.UNCHANGED, null)),
            tree(TreeOutcome.MIRRORED, null),
            List.of(),
            false,
            verdict(true));
    assertThat(RunOutcomes.outcome(f)).isEqualTo(RunOutcome.OK);
    assertThat(RunOutcomes.reason(f)).isNull();
  }

  @Test
  void aSignatureThatFailsIsATrustFailureNamingEverySuiteAndSayingNothingWasWritten() {
    RunOutcomes.Findings f =
        findings(
            List.of(
                suite("dists/a", SuiteOutcome.TRUST_FAILURE, "BAD signature by key 1"),
                suite("dists/b", SuiteOutcome.TRUST_FAILURE, "BAD signature by key 1"),
                suite("dists/c", SuiteOutcome.NOT_FOUND, "no Release")),
            null,
            List.of(failure("pool/x.deb", FileAction.MISSING)),
            true,
            null);
    assertThat(RunOutcomes.outcome(f)).isEqualTo(RunOutcome.TRUST_FAILURE);
    assertThat(RunOutcomes.reason(f))
        .isEqualTo("dists/a, dists/b: BAD signature by key 1; nothing was written");
  }

  @Test
  void twoDifferentTrustFailuresGiveBothReasons() {
    RunOutcomes.Findings f =
        findings(
            List.of(
                suite("dists/a", SuiteOutcome.TRUST_FAILURE, "no signature"),
                suite("dists/b", SuiteOutcome.TRUST_FAILURE, "unknown key")),
            null,
            List.of(),
            false,
            null);
    assertThat(RunOutcomes.reason(f))
        .isEqualTo("dists/a, dists/b: no signature; unknown key; nothing was written");
  }

  @Test
  void aSuiteLeftUnpublishedComesBeforeTheFilesThatKeptItSo() {
    RunOutcomes.Findings f =
        findings(
            List.of(PUBLISHED, suite("dists/testing", SuiteOutcome.NOT_PUBLISHED, "2 file(s) bad")),
            null,
            List.of(failure("pool/x.deb", FileAction.QUARANTINED)),
            false,
            null);
    assertThat(RunOutcomes.outcome(f)).isEqualTo(RunOutcome.PROBLEMS);
    assertThat(RunOutcomes.reason(f)).isEqualTo("dists/testing: not-published: 2 file(s) bad");
  }

  @Test
  void badAndMissingFilesAreCountedApartAndTheFirstIsNamed() {
    RunOutcomes.Findings f =
        findings(
            List.of(PUBLISHED),
            null,
            List.of(
                failure("pool/a.deb", FileAction.MISSING),
                failure("pool/b.deb", FileAction.QUARANTINED),
                failure("pool/c.deb", FileAction.KEPT_AS_IS),
                failure("pool/d.deb", FileAction.MISSING)),
            false,
            null);
    assertThat(RunOutcomes.outcome(f)).isEqualTo(RunOutcome.PROBLEMS);
    assertThat(RunOutcomes.reason(f)).isEqualTo("2 file(s) failed and 2 missing, first pool/a.deb");
  }

  @Test
  void aTreeListingThatFailedIsAProblem() {
    RunOutcomes.Findings f =
        findings(
            List.of(),
            tree(TreeOutcome.LISTING_FAILED, "notes/: HTTP 500"),
            List.of(),
            false,
            null);
    assertThat(RunOutcomes.outcome(f)).isEqualTo(RunOutcome.PROBLEMS);
    assertThat(RunOutcomes.reason(f)).isEqualTo("the tree listing failed: notes/: HTTP 500");
  }

  @Test
  void deletionsHeldBackByTheGuardAreAProblem() {
    RunOutcomes.Findings f = findings(List.of(PUBLISHED), null, List.of(), true, null);
    assertThat(RunOutcomes.outcome(f)).isEqualTo(RunOutcome.PROBLEMS);
    assertThat(RunOutcomes.reason(f)).isEqualTo("the max-delete guard held deletions back");
  }

  @Test
  void aFinalSyncThatFoundDifferencesIsAProblemWithItsVerdict() {
    RunOutcomes.Findings f = findings(List.of(PUBLISHED), null, List.of(), false, verdict(false));
    assertThat(RunOutcomes.outcome(f)).isEqualTo(RunOutcome.PROBLEMS);
    assertThat(RunOutcomes.reason(f)).isEqualTo("final sync: 2 difference(s) from upstream");
  }

  @Test
  void theSignaturesLineSaysWhatWasCheckedAndWhy() throws Exception {
    ReleaseVerifier verifier =
        new ReleaseVerifier(
            Keyring.of(SigningKey.generateRsa("a <a@example.org>").publicKeyring()), false);
    assertThat(RunOutcomes.signatures(List.of(), Optional.of(verifier), List.of()))
        .isEqualTo("none to check (no --dist)");
    assertThat(RunOutcomes.signatures(List.of("dists/a"), Optional.empty(), List.of(PUBLISHED)))
        .isEqualTo("disabled (--no-verify-signature)");
    assertThat(
            RunOutcomes.signatures(
                List.of("dists/a", "dists/b"),
                Optional.of(verifier),
                List.of(
                    suite("dists/a", SuiteOutcome.TRUST_FAILURE, "bad"),
                    suite("dists/b", SuiteOutcome.PUBLISHED, null))))
        .isEqualTo("FAILED for dists/a");
    assertThat(
            RunOutcomes.signatures(
                List.of("dists/a", "dists/b", "dists/c"),
                Optional.of(verifier),
                List.of(
                    PUBLISHED,
                    suite("dists/b", SuiteOutcome.UNCHANGED, null),
                    SyncReport.SuiteReport.early(
                        "dists/c", SuiteOutcome.UNREACHABLE, "timeout", List.of()))))
        .isEqualTo(
            "verified for 2 suite(s) (1 unchanged upstream: the published Release checked with"
                + " this keyring); not checked for 1 suite(s): no Release could be fetched or"
                + " read");
  }
}
