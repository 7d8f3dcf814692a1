package org.repomirror.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.io.IOException;
import java.util.List;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.tree.TreeOutcome;
import org.repomirror.tree.TreeResult;

/**
 * What a sync would do, from {@code repomirror plan}: per suite (and the tree pass) and in total,
 * the files and bytes to fetch, the files to delete, and how long it should take. Immutable. In
 * JSON one flat object: each group's fields sit at the top level.
 *
 * @param items each suite, then the tree pass; a file several suites share counts in each
 */
public record PlanReport(
    String upstream,
    List<Item> items,
    @JsonUnwrapped Totals totals,
    @JsonUnwrapped Estimate estimate,
    List<String> warnings,
    RunOutcome outcome,
    String reason) {

  public PlanReport {
    items = List.copyOf(items);
    warnings = List.copyOf(warnings);
  }

  /**
   * Distinct files over the suites and the tree pass.
   *
   * @param poolFiles pool files (and, in tree mode, the tree's files) to fetch
   * @param indexFiles indexes, by-hash copies and Release files to fetch
   * @param mayBeAbsentFiles listed index variants upstreams usually do not carry (an uncompressed
   *     Packages beside its .xz, by-hash folders of weaker hashes): not counted in the fetch
   * @param deleteFiles paths that would be marked for deletion
   */
  public record Totals(
      long poolFiles,
      long poolBytes,
      long indexFiles,
      long indexBytes,
      long mayBeAbsentFiles,
      long mayBeAbsentBytes,
      long unchangedFiles,
      long deleteFiles) {

    /** Distinct files to fetch: pool and indexes. */
    @JsonProperty
    public long fetchFiles() {
      return poolFiles + indexFiles;
    }

    @JsonProperty
    public long fetchBytes() {
      return poolBytes + indexBytes;
    }

    /** These and what a tree pass would do besides. */
    public Totals with(TreeResult t) {
      return new Totals(
          poolFiles + t.moved().fetched(),
          poolBytes + t.moved().bytesFetched(),
          indexFiles,
          indexBytes,
          mayBeAbsentFiles,
          mayBeAbsentBytes,
          unchangedFiles + t.seen().unchanged(),
          deleteFiles + t.seen().markedForDeletion());
    }
  }

  /**
   * How long the sync should take.
   *
   * @param estimatedSeconds listing (as long as this plan took) plus transfer; null when there is
   *     no estimate, and the basis says why
   * @param estimateBasis where the rates come from (a probe, earlier runs), or why there is none
   */
  public record Estimate(Double estimatedSeconds, String estimateBasis) {}

  /**
   * One suite, or the tree pass.
   *
   * @param state a {@link SuiteOutcome} or {@link TreeOutcome} label: changed, unchanged, or why it
   *     cannot be planned
   * @param reason why it cannot be planned; null when it can
   * @param files the files it references (or the tree lists) once synced
   * @param deleteFiles paths that would be marked for deletion (deleted after the grace period)
   */
  public record Item(
      String name,
      String state,
      String reason,
      long files,
      long fetchFiles,
      long fetchBytes,
      long unchangedFiles,
      long deleteFiles) {

    public static Item suite(
        String name,
        SuiteOutcome state,
        String reason,
        long files,
        long fetchFiles,
        long fetchBytes,
        long unchangedFiles,
        long deleteFiles) {
      return new Item(
          name, state.label(), reason, files, fetchFiles, fetchBytes, unchangedFiles, deleteFiles);
    }

    public static Item tree(TreeResult t) {
      return new Item(
          "tree (" + t.from().source() + ")",
          t.outcome().label(),
          t.reason(),
          t.seen().listed(),
          t.moved().fetched(),
          t.moved().bytesFetched(),
          t.seen().unchanged(),
          t.seen().markedForDeletion());
    }
  }

  public String summary() {
    StringBuilder s = new StringBuilder();
    String row = "%-40s %-14s %10s %10s %12s %10s %10s%n";
    s.append(String.format(row, "suite", "state", "files", "fetch", "MB", "unchanged", "delete"));
    for (Item i : items) {
      s.append(
          String.format(
              row,
              i.name(),
              i.state(),
              i.files(),
              i.fetchFiles(),
              String.format("%.1f", i.fetchBytes() / 1e6),
              i.unchangedFiles(),
              i.deleteFiles()));
      if (i.reason() != null) s.append("  ").append(i.reason()).append('\n');
    }
    s.append(
        String.format(
            row,
            "total (distinct files)",
            "",
            "",
            totals.fetchFiles(),
            String.format("%.1f", totals.fetchBytes() / 1e6),
            totals.unchangedFiles(),
            totals.deleteFiles()));
    s.append(
        String.format(
            "  of which pool %d files (%.1f MB), indexes %d files (%.1f MB); listed but usually"
                + " absent upstream, not counted: %d files (%.1f MB)%n",
            totals.poolFiles(),
            totals.poolBytes() / 1e6,
            totals.indexFiles(),
            totals.indexBytes() / 1e6,
            totals.mayBeAbsentFiles(),
            totals.mayBeAbsentBytes() / 1e6));
    s.append(
        estimate.estimatedSeconds() == null
            ? String.format("estimated duration: no estimate (%s)%n", estimate.estimateBasis())
            : String.format(
                "estimated duration: %s (%s)%n",
                duration(estimate.estimatedSeconds()), estimate.estimateBasis()));
    for (String w : warnings) s.append("  warning: ").append(w).append('\n');
    s.append("outcome: ").append(outcome);
    if (reason != null) s.append(" (").append(reason).append(')');
    return s.append('\n').toString();
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s < 60 ? s + " s" : String.format("%d min %02d s", s / 60, s % 60);
  }

  public String json() throws IOException {
    return Json.PRETTY.writeValueAsString(this);
  }
}
