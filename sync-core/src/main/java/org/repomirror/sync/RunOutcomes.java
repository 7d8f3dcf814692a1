package org.repomirror.sync;

import java.util.List;
import java.util.Optional;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.run.Failure;
import org.repomirror.run.FileAction;
import org.repomirror.tree.TreeOutcome;
import org.repomirror.tree.TreeResult;
import org.repomirror.trust.ReleaseVerifier;

/** How a run's findings add up to one outcome, the reason for it, and the signatures line. */
final class RunOutcomes {
  private RunOutcomes() {}

  /** What a run found, for its outcome. */
  record Findings(
      List<SyncReport.SuiteReport> suites,
      TreeResult tree,
      List<Failure> failures,
      boolean guardTripped,
      SyncReport.FinalReport verdict) {}

  static RunOutcome outcome(Findings f) {
    if (f.suites().stream().anyMatch(s -> s.outcome() == SuiteOutcome.TRUST_FAILURE)) {
      return RunOutcome.TRUST_FAILURE;
    }
    return reason(f) == null ? RunOutcome.OK : RunOutcome.PROBLEMS;
  }

  /** The first thing that keeps a run from being OK, in one line; null when nothing does. */
  static String reason(Findings f) {
    List<SyncReport.SuiteReport> untrusted =
        f.suites().stream().filter(s -> s.outcome() == SuiteOutcome.TRUST_FAILURE).toList();
    if (!untrusted.isEmpty()) {
      List<String> reasons =
          untrusted.stream().map(SyncReport.SuiteReport::reason).distinct().toList();
      return String.join(", ", untrusted.stream().map(SyncReport.SuiteReport::dist).toList())
          + ": "
          + (reasons.size() == 1 ? reasons.getFirst() : String.join("; ", reasons))
          + "; nothing was written";
    }
    long missing = f.failures().stream().filter(x -> x.action() == FileAction.MISSING).count();
    long bad = f.failures().size() - missing;
    for (SyncReport.SuiteReport s : f.suites()) {
      if (!s.outcome().settled()) return s.dist() + ": " + s.outcome() + ": " + s.reason();
    }
    if (bad + missing > 0) {
      return bad
          + " file(s) failed and "
          + missing
          + " missing, first "
          + f.failures().getFirst().path();
    }
    if (f.tree() != null && f.tree().outcome() == TreeOutcome.LISTING_FAILED) {
      return "the tree listing failed: " + f.tree().reason();
    }
    if (f.guardTripped()) return "the max-delete guard held deletions back";
    if (f.verdict() != null && !f.verdict().identical())
      return "final sync: " + f.verdict().verdict();
    return null;
  }

  /** One line on the signatures of a run's suites. */
  static String signatures(
      List<String> dists, Optional<ReleaseVerifier> verifier, List<SyncReport.SuiteReport> suites) {
    if (dists.isEmpty()) return "none to check (no --dist)";
    if (verifier.isEmpty()) return "disabled (--no-verify-signature)";
    List<String> failed =
        suites.stream()
            .filter(s -> s.outcome() == SuiteOutcome.TRUST_FAILURE)
            .map(SyncReport.SuiteReport::dist)
            .toList();
    if (!failed.isEmpty()) return "FAILED for " + String.join(", ", failed);
    long verified = suites.stream().filter(s -> !s.signatures().isEmpty()).count();
    long unchanged = suites.stream().filter(s -> s.outcome() == SuiteOutcome.UNCHANGED).count();
    long none = suites.size() - verified;
    StringBuilder s = new StringBuilder();
    if (verified > 0) {
      s.append("verified for ").append(verified).append(" suite(s)");
      if (unchanged > 0) {
        s.append(" (")
            .append(unchanged)
            .append(" unchanged upstream: the published Release checked with this keyring)");
      }
    }
    if (none > 0) {
      s.append(s.isEmpty() ? "" : "; ")
          .append("not checked for ")
          .append(none)
          .append(" suite(s): no Release could be fetched or read");
    }
    return s.toString();
  }
}
