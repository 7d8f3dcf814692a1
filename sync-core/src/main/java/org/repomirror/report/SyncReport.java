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
 * @param phaseMillis wall time of each phase: metadata, plan, transfer, publish, index
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
    int exitCode) {

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
      long listedAbsent) {}

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
