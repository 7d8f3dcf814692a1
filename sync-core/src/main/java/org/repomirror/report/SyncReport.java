package org.repomirror.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one sync run, for people (summary) and machines (JSON).
 *
 * @param started ISO-8601 start time
 * @param finished ISO-8601 end time
 * @param signatureVerification "verified", or "disabled (--no-verify-signature)"
 * @param phaseMillis wall time of each phase: list (Release and indexes), plan, transfer, publish,
 *     index, tree (the whole tree pass; in it, list and transfer overlap), verify (final sync)
 * @param changes the paths this run changed; at most 10,000 unless it is a final sync
 * @param changesOmitted changed paths beyond that limit
 * @param plannedSeconds the estimate of the plan made before this run, or null
 * @param exitCode 0 ok, 1 problems, 3 trust failure, 4 aborted with the published tree intact
 */
public record SyncReport(
    String started,
    String finished,
    String upstream,
    String signatureVerification,
    List<SuiteReport> suites,
    Map<String, Long> phaseMillis,
    long filesFetched,
    long filesUnchanged,
    long filesFailed,
    long filesMissing,
    long filesDeleted,
    long bytesFetched,
    double megabytesPerSecond,
    List<Failure> failures,
    List<String> warnings,
    TreeReport tree,
    List<Change> changes,
    long changesOmitted,
    Double plannedSeconds,
    FinalReport finalSync,
    int exitCode) {

  /**
   * A path this run changed.
   *
   * @param action fetched (new or replaced) or deleted
   */
  public record Change(String path, String action) {}

  /**
   * The end of a final sync.
   *
   * @param verdict "identical to upstream as of <time>", or how many differences
   * @param differences every file, suite or check that keeps the mirror from being identical
   * @param actualSeconds the run's wall time, to judge the plan's estimate by
   * @param suiteReruns suites synced again because their Release changed during the run
   * @param filesVerified files re-read and hashed after the sync: every one it wrote
   * @param suitesChecked suites whose chain signature → Release → indexes → files was checked
   */
  public record FinalReport(
      boolean identical,
      String verdict,
      List<String> differences,
      double actualSeconds,
      int suiteReruns,
      long filesVerified,
      long bytesVerified,
      int suitesChecked) {}

  /**
   * The tree pass, in tree mode.
   *
   * @param source directory, autoindex or manifest
   * @param verification how the files it fetched were verified: manifest-sha256 or size-mtime
   *     (files of this run's apt suites are verified against the signed indexes, and counted in the
   *     suites)
   * @param outcome mirrored, mirrored-with-failures, unchanged (the upstream said so in one
   *     request) or listing-failed (nothing was deleted)
   * @param markedForDeletion paths the upstream no longer has, deleted after the grace period
   * @param skipped entries not mirrored: hidden, unsafe names, links leaving the tree, special
   *     files
   */
  public record TreeReport(
      String source,
      String verification,
      String outcome,
      String reason,
      long listed,
      long fetched,
      long unchanged,
      long failed,
      long links,
      long markedForDeletion,
      long skipped,
      long bytesFetched) {}

  /**
   * One suite.
   *
   * @param outcome unchanged, published, not-published or trust-failure
   * @param signatures who signed, and whether legacy algorithms were accepted
   * @param listedAbsent files the Release lists that the upstream does not carry (a 404 on a listed
   *     compression variant is normal)
   */
  public record SuiteReport(
      String dist,
      String outcome,
      String reason,
      long fetched,
      long unchanged,
      long failed,
      long missing,
      long bytesFetched,
      List<String> signatures,
      long listedAbsent) {

    /** The same suite with another outcome. */
    public SuiteReport withOutcome(String newOutcome, String newReason) {
      return new SuiteReport(
          dist,
          newOutcome,
          newReason,
          fetched,
          unchanged,
          failed,
          missing,
          bytesFetched,
          signatures,
          listedAbsent);
    }
  }

  /**
   * One file that could not be mirrored as signed.
   *
   * @param action what was done: quarantined, kept as upstream serves it, gave up, missing
   */
  public record Failure(
      String path,
      String url,
      long expectedSize,
      String expectedHash,
      long actualSize,
      String actualHash,
      String reason,
      String action) {}

  /** A few lines for the terminal. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    for (SuiteReport suite : suites) {
      s.append(
          String.format(
              "%-40s %-14s fetched %d, unchanged %d, failed %d, missing %d%s%n",
              suite.dist(),
              suite.outcome(),
              suite.fetched(),
              suite.unchanged(),
              suite.failed(),
              suite.missing(),
              suite.reason() == null ? "" : " (" + suite.reason() + ")"));
    }
    if (tree != null) {
      s.append(
          String.format(
              "%-40s %-14s listed %d, fetched %d, unchanged %d, failed %d, links %d, to delete %d, skipped %d (verified by %s)%s%n",
              "tree (" + tree.source() + ")",
              tree.outcome(),
              tree.listed(),
              tree.fetched(),
              tree.unchanged(),
              tree.failed(),
              tree.links(),
              tree.markedForDeletion(),
              tree.skipped(),
              tree.verification(),
              tree.reason() == null ? "" : " (" + tree.reason() + ")"));
    }
    s.append(
        String.format(
            "total: %d fetched (%.1f MB, %.1f MB/s), %d unchanged, %d failed, %d missing; signatures %s%n",
            filesFetched,
            bytesFetched / 1e6,
            megabytesPerSecond,
            filesUnchanged,
            filesFailed,
            filesMissing,
            signatureVerification));
    for (Failure f : failures) {
      s.append(String.format("  %s: %s -> %s%n", f.path(), f.reason(), f.action()));
    }
    if (finalSync != null) {
      s.append("final sync:\n");
      s.append("  phases:");
      phaseMillis.forEach(
          (phase, ms) -> s.append(String.format(" %s %.1f s,", phase, ms / 1000.0)));
      s.setLength(s.length() - 1);
      s.append('\n');
      s.append(
          String.format(
              "  took %.1f s%s; %d suite rerun(s); %d written files re-hashed (%.1f MB), %d suite"
                  + " chain(s) checked%n",
              finalSync.actualSeconds(),
              plannedSeconds == null
                  ? " (no plan was made)"
                  : String.format(" (planned %.1f s)", plannedSeconds),
              finalSync.suiteReruns(),
              finalSync.filesVerified(),
              finalSync.bytesVerified() / 1e6,
              finalSync.suitesChecked()));
      s.append(String.format("  changes: %d%n", changes.size()));
      for (Change c : changes) s.append(String.format("    %-8s %s%n", c.action(), c.path()));
      for (String d : finalSync.differences()) s.append("  difference: ").append(d).append('\n');
      s.append("  verdict: ").append(finalSync.verdict()).append('\n');
    }
    for (String w : warnings) {
      s.append("  warning: ").append(w).append('\n');
    }
    return s.toString();
  }

  /** Writes the JSON report atomically (temp file, then rename). */
  public void writeJson(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), this);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
