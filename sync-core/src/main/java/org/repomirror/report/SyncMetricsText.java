package org.repomirror.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.repomirror.index.Index;

/**
 * The sync's state in the Prometheus text format, read from the index and the served tree: for each
 * suite and the tree, the last attempt, its outcome and duration, the last success, what it fetched
 * and failed; the age of each served Release; quarantine and pending deletions. {@code serve} shows
 * it on {@code /metrics}; {@code sync --metrics-file} writes it for node_exporter's textfile
 * collector.
 */
public final class SyncMetricsText {
  private SyncMetricsText() {}

  public static String render(Path root, Index index, Instant now) throws IOException {
    Map<String, SuiteStatus> statuses =
        SuiteStatus.parseAll(index.meta(SuiteStatus.INDEX_KEY).orElse(null));
    StringBuilder out = new StringBuilder();
    gauge(
        out,
        statuses,
        "last_attempt_timestamp_seconds",
        "When the last sync that tried the suite finished.",
        s -> epoch(s.lastAttempt()));
    gauge(
        out,
        statuses,
        "last_success_timestamp_seconds",
        "When a sync last left the suite as it should be (0: never).",
        s -> s.lastSuccess() == null ? 0 : epoch(s.lastSuccess()));
    gauge(
        out,
        statuses,
        "last_ok",
        "Whether the last sync left the suite as it should be (1) or failed it (0).",
        s -> s.ok() ? 1 : 0);
    gauge(
        out,
        statuses,
        "last_duration_seconds",
        "How long the last sync that tried the suite took.",
        SuiteStatus::seconds);
    gauge(
        out,
        statuses,
        "last_files_fetched",
        "Files the last sync fetched for the suite.",
        SuiteStatus::filesFetched);
    gauge(
        out,
        statuses,
        "last_bytes_fetched",
        "Bytes the last sync fetched for the suite.",
        SuiteStatus::bytesFetched);
    gauge(
        out,
        statuses,
        "last_failures",
        "Files the last sync could not fetch or verify for the suite.",
        SuiteStatus::failures);
    head(out, "last_outcome", "The last sync's outcome for the suite, as its report names it.");
    statuses.forEach(
        (suite, s) ->
            out.append("repomirror_sync_last_outcome{suite=\"")
                .append(escape(suite))
                .append("\",outcome=\"")
                .append(escape(s.outcome()))
                .append("\"} 1\n"));
    head(
        out,
        "release_age_seconds",
        "Age of the served Release by its Date field: how stale the mirror is, at most.");
    for (String dist : index.suites()) {
      Optional<Instant> date = MirrorStatus.publishedReleaseDate(root, dist);
      if (date.isEmpty()) continue;
      out.append("repomirror_sync_release_age_seconds{suite=\"")
          .append(escape(dist))
          .append("\"} ")
          .append(Math.max(0, now.getEpochSecond() - date.get().getEpochSecond()))
          .append('\n');
    }
    head(out, "quarantined_files", "Files in quarantine: bytes that did not match their index.");
    out.append("repomirror_sync_quarantined_files ")
        .append(MirrorStatus.quarantined(root).size())
        .append('\n');
    head(out, "pending_deletions", "Files no suite references, waiting out the delete grace.");
    out.append("repomirror_sync_pending_deletions ")
        .append(index.pendingDeletes().size())
        .append('\n');
    return out.toString();
  }

  private static void gauge(
      StringBuilder out,
      Map<String, SuiteStatus> statuses,
      String name,
      String help,
      ToDoubleFunction<SuiteStatus> value) {
    head(out, name, help);
    statuses.forEach(
        (suite, s) -> {
          double v = value.applyAsDouble(s);
          out.append("repomirror_sync_")
              .append(name)
              .append("{suite=\"")
              .append(escape(suite))
              .append("\"} ")
              .append(v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v))
              .append('\n');
        });
  }

  private static void head(StringBuilder out, String name, String help) {
    out.append("# HELP repomirror_sync_").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE repomirror_sync_").append(name).append(" gauge\n");
  }

  private static double epoch(String iso) {
    try {
      return Instant.parse(iso).getEpochSecond();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** A label value as the text format quotes it. */
  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
