package org.repomirror.verify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.repomirror.report.Json;

/**
 * What {@code verify} found.
 *
 * @param mode fast (size and mtime) or full (every byte re-hashed)
 * @param problems each mismatched, missing, unexpected or unreadable file, and each break in a
 *     suite's signed chain; empty for an intact mirror
 */
public record VerifyReport(
    String mode,
    String signatures,
    long files,
    long bytes,
    long bytesHashed,
    long millis,
    List<String> suites,
    List<Problem> problems) {

  /**
   * @param kind mismatch, missing, unexpected, unreadable, signature or chain
   */
  public record Problem(String kind, String path, String detail) {}

  /** The kind of problem that is about the keyring given rather than the mirror's files. */
  static final String SIGNATURE = "signature";

  public boolean clean() {
    return problems.isEmpty();
  }

  /** Whether a file or a suite's chain below its signature is wrong. */
  public boolean damaged() {
    return problems.stream().anyMatch(p -> !p.kind().equals(SIGNATURE));
  }

  /** Whether every suite's signature verified with the keyring given (or none was checked). */
  public boolean trusted() {
    return untrusted() == 0;
  }

  private long untrusted() {
    return problems.stream().filter(p -> p.kind().equals(SIGNATURE)).count();
  }

  /** Lines for the terminal: every problem, then the totals. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    for (Problem p : problems) {
      s.append(String.format("%-10s %s: %s%n", p.kind(), p.path(), p.detail()));
    }
    long damage = problems.size() - untrusted();
    double seconds = Math.max(millis, 1) / 1000.0;
    // A fast verify compares sizes and mtimes; the little it hashes (indexes) makes no rate.
    String how =
        mode.equals("full")
            ? String.format(
                "full verify, %.1f s, %.1f MB/s hashed", seconds, bytesHashed / 1e6 / seconds)
            : String.format("fast verify of sizes and mtimes, %.1f s", seconds);
    s.append(
        String.format(
            "%s: %d files, %.1f MB (%s), %d suites, signatures %s: %s%n",
            damaged() ? "DAMAGED" : "intact",
            files,
            bytes / 1e6,
            how,
            suites.size(),
            signatures,
            damaged() ? damage + " problem(s)" : "no damage"));
    if (!trusted()) {
      s.append(
          String.format(
              "NOT TRUSTED: %d suite(s) do not verify with the keyring given; is it the one the"
                  + " sync used?%n",
              untrusted()));
    }
    return s.toString();
  }

  public void writeJson(Path file) throws IOException {
    Json.PRETTY.writeValue(file.toFile(), this);
  }
}
