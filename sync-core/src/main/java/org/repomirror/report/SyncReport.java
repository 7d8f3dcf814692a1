package org.repomirror.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.run.Change;
import org.repomirror.run.Failure;
import org.repomirror.run.Phase;
import org.repomirror.source.TransportUse;
import org.repomirror.tree.TreeResult;

/**
 * The outcome of one sync run, for people ({@link #summary}) and machines (JSON, one flat object:
 * each group's fields sit at the top level). Immutable.
 *
 * @param suites each apt suite, in the order of the run
 * @param tree the tree pass, in tree mode; null otherwise
 */
public record SyncReport(
    @JsonUnwrapped Run run,
    List<SuiteReport> suites,
    @JsonUnwrapped Totals totals,
    @JsonUnwrapped Findings findings,
    TreeResult tree,
    @JsonUnwrapped Ending ending) {

  public SyncReport {
    suites = List.copyOf(suites);
  }

  /**
   * The run as a whole.
   *
   * @param started ISO-8601 start time
   * @param finished ISO-8601 end time
   * @param signatureVerification one line on the signatures: verified (of how many suites), failed,
   *     disabled, or why none was checked
   * @param plannedSeconds the estimate of the plan made before this run, or null
   * @param phaseMillis wall time of each phase: list (Release and indexes), plan, transfer,
   *     publish, index, tree (the whole tree pass; in it, list and transfer overlap), verify (final
   *     sync)
   * @param transport how the requests to an HTTP upstream went, by protocol: connections, requests
   *     (over HTTP/2, streams) and the most in flight on one connection; empty for other upstreams
   */
  public record Run(
      String started,
      String finished,
      String upstream,
      String signatureVerification,
      Double plannedSeconds,
      Map<String, Long> phaseMillis,
      List<TransportUse> transport) {
    public Run {
      phaseMillis = Map.copyOf(phaseMillis);
      transport = List.copyOf(transport);
    }
  }

  /**
   * The files of the run, each counted once however many suites share it.
   *
   * @param filesFetched distinct files fetched
   */
  public record Totals(
      long filesFetched,
      long filesUnchanged,
      long filesFailed,
      long filesMissing,
      long filesDeleted,
      long bytesFetched) {}

  /**
   * What went wrong, and what changed.
   *
   * @param changes the paths this run changed; at most 10,000 unless it is a final sync
   * @param changesOmitted changed paths beyond that limit
   */
  public record Findings(
      List<Failure> failures, List<String> warnings, List<Change> changes, long changesOmitted) {
    public Findings {
      failures = List.copyOf(failures);
      warnings = List.copyOf(warnings);
      changes = List.copyOf(changes);
    }
  }

  /**
   * How the run ended.
   *
   * @param reason one line on why the outcome is not {@link RunOutcome#OK}; null when it is
   * @param finalSync the verdict of a final sync; null for an ordinary run
   */
  public record Ending(RunOutcome outcome, String reason, FinalReport finalSync) {}

  /** The transfer's rate: bytes fetched over the transfer phase's wall time. */
  @JsonProperty
  public double megabytesPerSecond() {
    long millis = Math.max(1, run.phaseMillis().getOrDefault(Phase.TRANSFER.label(), 0L));
    return totals.bytesFetched() / 1e6 / (millis / 1000.0);
  }

  public RunOutcome outcome() {
    return ending.outcome();
  }

  public String reason() {
    return ending.reason();
  }

  public FinalReport finalSync() {
    return ending.finalSync();
  }

  public List<Failure> failures() {
    return findings.failures();
  }

  public List<String> warnings() {
    return findings.warnings();
  }

  /**
   * The end of a final sync.
   *
   * @param verdict "identical to upstream as of <time>", or how many differences
   * @param differences every file, suite or check that keeps the mirror from being identical
   * @param actualSeconds the run's wall time, to judge the plan's estimate by
   * @param suiteReruns suites synced again because their Release changed during the run
   */
  public record FinalReport(
      boolean identical,
      String verdict,
      List<String> differences,
      double actualSeconds,
      int suiteReruns,
      @JsonUnwrapped Proof proof) {
    public FinalReport {
      differences = List.copyOf(differences);
    }

    /**
     * What the verdict rests on.
     *
     * @param filesChecked files every published index references, each found on disk with its
     *     recorded size and mtime
     * @param filesVerified files re-read and hashed after the sync: every one it wrote
     * @param suitesChecked suites whose chain signature → Release → indexes → files was checked
     */
    public record Proof(
        long filesChecked, long filesVerified, long bytesVerified, int suitesChecked) {
      /** The proof in one line. */
      public String line() {
        return String.format(
            "every file the published indexes reference is on disk with its recorded size and"
                + " mtime (%d files); every file this run wrote re-hashed (%d files, %.1f MB); %d"
                + " suite chain(s) checked from the signature down",
            filesChecked, filesVerified, bytesVerified / 1e6, suitesChecked);
      }
    }
  }

  /**
   * One suite.
   *
   * @param signatures who signed, and whether legacy algorithms were accepted
   * @param listedAbsent files the Release lists that the upstream does not carry (a 404 on a listed
   *     compression variant is normal), by path
   */
  public record SuiteReport(
      String dist,
      SuiteOutcome outcome,
      String reason,
      @JsonUnwrapped Counts counts,
      List<String> signatures,
      List<String> listedAbsent) {
    public SuiteReport {
      signatures = List.copyOf(signatures);
      listedAbsent = List.copyOf(listedAbsent);
    }

    /**
     * A suite's files.
     *
     * @param files the distinct files the suite references (pool files, indexes, Release files); a
     *     file several suites share counts in each, as {@code status} counts it
     * @param fetched of those, fetched in this run
     * @param unchanged of those, already in the mirror as signed
     * @param repaired of those, fetched again because the disk had lost them (or they changed on
     *     it)
     */
    public record Counts(
        long files,
        long fetched,
        long unchanged,
        long failed,
        long missing,
        long repaired,
        long bytesFetched) {
      public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0);
    }

    /** A suite that ended before its files were looked at. */
    public static SuiteReport early(
        String dist, SuiteOutcome outcome, String reason, List<String> signatures) {
      return new SuiteReport(dist, outcome, reason, Counts.NONE, signatures, List.of());
    }

    /** The same suite with another outcome. */
    public SuiteReport withOutcome(SuiteOutcome newOutcome, String newReason) {
      return new SuiteReport(dist, newOutcome, newReason, counts, signatures, listedAbsent);
    }
  }

  /**
   * The writer of the JSON report, with the serializers of every type in it: built at the first
   * call (the mapper, its date formats, every record's properties), which a sync pays ahead of its
   * end ({@link Json#prepareSyncOutputs}).
   */
  public static ObjectWriter writer() {
    return Writer.JSON;
  }

  /** Holds the writer until the first call asks for it. */
  private static final class Writer {
    static final ObjectWriter JSON = Json.PRETTY.forType(SyncReport.class);
  }

  /** A few lines for the terminal. */
  public String summary() {
    return SyncSummary.of(this);
  }

  /** Writes the JSON report atomically (temp file, then rename). */
  public void writeJson(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    writer().writeValue(tmp.toFile(), this);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
