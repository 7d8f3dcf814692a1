package org.repomirror.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;

/**
 * What a sync would do, from {@code repomirror plan}: per suite (and the tree pass) and in total,
 * the files and bytes to fetch, the files to delete, and how long it should take.
 *
 * @param estimatedSeconds listing (as long as this plan took) plus transfer at the measured rates
 * @param estimateBasis where the rates come from: earlier runs, or a probe of a few files
 */
public record PlanReport(
    String upstream,
    List<Item> items,
    long fetchFiles,
    long fetchBytes,
    long unchangedFiles,
    long deleteFiles,
    double estimatedSeconds,
    String estimateBasis,
    List<String> warnings) {

  /**
   * One suite, or the tree pass.
   *
   * @param state changed, unchanged (the upstream says so), or why it cannot be planned
   * @param deleteFiles paths that would be marked for deletion (deleted after the grace period)
   */
  public record Item(
      String name,
      String state,
      long fetchFiles,
      long fetchBytes,
      long unchangedFiles,
      long deleteFiles) {}

  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "%-40s %-12s %10s %12s %10s %10s%n",
            "suite", "state", "fetch", "MB", "unchanged", "delete"));
    for (Item i : items) {
      s.append(
          String.format(
              "%-40s %-12s %10d %12.1f %10d %10d%n",
              i.name(),
              i.state(),
              i.fetchFiles(),
              i.fetchBytes() / 1e6,
              i.unchangedFiles(),
              i.deleteFiles()));
    }
    s.append(
        String.format(
            "%-40s %-12s %10d %12.1f %10d %10d%n",
            "total", "", fetchFiles, fetchBytes / 1e6, unchangedFiles, deleteFiles));
    s.append(
        String.format("estimated duration: %s (%s)%n", duration(estimatedSeconds), estimateBasis));
    for (String w : warnings) s.append("  warning: ").append(w).append('\n');
    return s.toString();
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s < 60 ? s + " s" : String.format("%d min %02d s", s / 60, s % 60);
  }

  public String json() throws IOException {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
  }
}
