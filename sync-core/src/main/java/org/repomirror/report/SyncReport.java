package org.repomirror.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.run.Change;
import org.repomirror.run.Failure;
import org.repomirror.tree.TreeResult;

/**
 * The outcome of one sync run, for people ({@link #summary}) and machines (JSON). Immutable.
 *
 * @param started ISO-8601 start time
 * @param finished ISO-8601 end time
 * @param signatureVerification one line on the signatures: verified (of how many suites), failed,
 *     disabled, or why none was checked
 * @param phaseMillis wall time of each phase: list (Release and indexes), plan, transfer, publish,
 *     index, tree (the whole tree pass; in it, list and transfer overlap), verify (final sync)
 * @param filesFetched distinct files fetched: a file several suites share counts once
 * @param tree the tree pass, in tree mode; null otherwise
 * @param changes the paths this run changed; at most 10,000 unless it is a final sync
 * @param changesOmitted changed paths beyond that limit
 * @param plannedSeconds the estimate of the plan made before this run, or null
 * @param finalSync the verdict of a final sync; null for an ordinary run
 * @param reason one line on why the outcome is not {@link RunOutcome#OK}; null when it is
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
    TreeResult tree,
    List<Change> changes,
    long changesOmitted,
    Double plannedSeconds,
    FinalReport finalSync,
    RunOutcome outcome,
    String reason) {

  public SyncReport {
    suites = List.copyOf(suites);
    phaseMillis = Map.copyOf(phaseMillis);
    failures = List.copyOf(failures);
    warnings = List.copyOf(warnings);
    changes = List.copyOf(changes);
  }

  /**
   * The end of a final sync.
   *
   * @param verdict "identical to upstream as of <time>", or how many differences
   * @param differences every file, suite or check that keeps the mirror from being identical
   * @param actualSeconds the run's wall time, to judge the plan's estimate by
   * @param suiteReruns suites synced again because their Release changed during the run
   * @param filesChecked files every published index references, each found on disk with its
   *     recorded size and mtime
   * @param filesVerified files re-read and hashed after the sync: every one it wrote
   * @param suitesChecked suites whose chain signature → Release → indexes → files was checked
   */
  public record FinalReport(
      boolean identical,
      String verdict,
      List<String> differences,
      double actualSeconds,
      int suiteReruns,
      long filesChecked,
      long filesVerified,
      long bytesVerified,
      int suitesChecked) {
    public FinalReport {
      differences = List.copyOf(differences);
    }

    /** What the verdict rests on, in one line. */
    public String proof() {
      return String.format(
          "every file the published indexes reference is on disk with its recorded size and mtime"
              + " (%d files); every file this run wrote re-hashed (%d files, %.1f MB); %d suite"
              + " chain(s) checked from the signature down",
          filesChecked, filesVerified, bytesVerified / 1e6, suitesChecked);
    }
  }

  /**
   * One suite.
   *
   * @param files the distinct files the suite references (pool files, indexes, Release files); a
   *     file several suites share counts in each, as {@code status} counts it
   * @param fetched of those, fetched in this run
   * @param unchanged of those, already in the mirror as signed
   * @param repaired of those, fetched again because the disk had lost them (or they changed on it)
   * @param signatures who signed, and whether legacy algorithms were accepted
   * @param listedAbsent files the Release lists that the upstream does not carry (a 404 on a listed
   *     compression variant is normal), by path
   */
  public record SuiteReport(
      String dist,
      SuiteOutcome outcome,
      String reason,
      long files,
      long fetched,
      long unchanged,
      long failed,
      long missing,
      long repaired,
      long bytesFetched,
      List<String> signatures,
      List<String> listedAbsent) {
    public SuiteReport {
      signatures = List.copyOf(signatures);
      listedAbsent = List.copyOf(listedAbsent);
    }

    /** A suite that ended before its files were looked at. */
    public static SuiteReport early(
        String dist, SuiteOutcome outcome, String reason, List<String> signatures) {
      return new SuiteReport(dist, outcome, reason, 0, 0, 0, 0, 0, 0, 0, signatures, List.of());
    }

    /** The same suite with another outcome. */
    public SuiteReport withOutcome(SuiteOutcome newOutcome, String newReason) {
      return new SuiteReport(
          dist,
          newOutcome,
          newReason,
          files,
          fetched,
          unchanged,
          failed,
          missing,
          repaired,
          bytesFetched,
          signatures,
          listedAbsent);
    }
  }

  /** A few lines for the terminal. */
  public String summary() {
    return SyncSummary.of(this);
  }

  /** Writes the JSON report atomically (temp file, then rename). */
  public void writeJson(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), this);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
