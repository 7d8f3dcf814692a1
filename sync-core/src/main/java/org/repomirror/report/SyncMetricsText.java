package org.repomirror.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.repomirror.index.Index;
import org.repomirror.store.PublishedFiles;

/**
 * The sync's state in the Prometheus text format, read from each mirror's index and served tree:
 * for each suite and the tree, the last attempt, its outcome and duration, the last success, what
 * it fetched and failed; the age of each served Release; quarantine and pending deletions; whether
 * the index could be read at all. With several mirrors every sample carries a {@code mirror} label,
 * and each metric is one family, as the format requires. {@code serve} shows it on {@code
 * /metrics}; {@code sync --metrics-file} writes it for node_exporter's textfile collector.
 */
public final class SyncMetricsText {
  private static final String PREFIX = "repomirror_sync_";

  /** Every family in the order it is written, with its help text; all are gauges. */
  private static final Map<String, String> FAMILIES = new LinkedHashMap<>();

  static {
    FAMILIES.put(
        "last_attempt_timestamp_seconds", "When the last sync that tried the suite finished.");
    FAMILIES.put(
        "last_success_timestamp_seconds",
        "When a sync last left the suite as it should be (0: never).");
    FAMILIES.put(
        "last_ok", "Whether the last sync left the suite as it should be (1) or failed it (0).");
    FAMILIES.put("last_duration_seconds", "How long the last sync that tried the suite took.");
    FAMILIES.put("last_files_fetched", "Files the last sync fetched for the suite.");
    FAMILIES.put("last_bytes_fetched", "Bytes the last sync fetched for the suite.");
    FAMILIES.put("last_failures", "Files the last sync could not fetch or verify for the suite.");
    FAMILIES.put("last_outcome", "The last sync's outcome for the suite, as its report names it.");
    FAMILIES.put(
        "release_age_seconds",
        "Age of the served Release by its Date field: how stale the mirror is, at most.");
    FAMILIES.put("quarantined_files", "Files in quarantine: bytes that did not match their index.");
    FAMILIES.put("pending_deletions", "Files no suite references, waiting out the delete grace.");
    FAMILIES.put("index_readable", "Whether the mirror's index could be read for these metrics.");
  }

  /**
   * One mirror as the metrics see it.
   *
   * @param name its {@code mirror} label; null for the one mirror of a configuration without a
   *     {@code mirrors} list, whose samples carry no such label
   * @param index its index, open; null when there is none yet or it could not be read
   */
  public record Mirror(String name, Path root, Index index) {}

  private final Map<String, StringBuilder> samples = new LinkedHashMap<>();

  private SyncMetricsText() {
    FAMILIES.keySet().forEach(name -> samples.put(name, new StringBuilder()));
  }

  public static String render(List<Mirror> mirrors, Instant now) throws IOException {
    SyncMetricsText text = new SyncMetricsText();
    for (Mirror m : mirrors) text.add(m, now);
    StringBuilder out = new StringBuilder();
    FAMILIES.forEach(
        (name, help) ->
            out.append("# HELP ")
                .append(PREFIX)
                .append(name)
                .append(' ')
                .append(help)
                .append("\n# TYPE ")
                .append(PREFIX)
                .append(name)
                .append(" gauge\n")
                .append(text.samples.get(name)));
    return out.toString();
  }

  private void add(Mirror m, Instant now) throws IOException {
    String mirror = m.name() == null ? "" : "mirror=\"" + escape(m.name()) + "\"";
    sample("index_readable", mirror, m.index() != null ? 1 : 0);
    if (m.index() == null) return;
    Index index = m.index();
    Map<String, SuiteStatus> statuses =
        SuiteStatus.parseAll(index.meta(SuiteStatus.INDEX_KEY).orElse(null));
    statuses.forEach(
        (suite, s) -> {
          String labels = join(mirror, "suite=\"" + escape(suite) + "\"");
          gauge("last_attempt_timestamp_seconds", labels, s, x -> epoch(x.lastAttempt()));
          gauge(
              "last_success_timestamp_seconds",
              labels,
              s,
              x -> x.lastSuccess() == null ? 0 : epoch(x.lastSuccess()));
          gauge("last_ok", labels, s, x -> x.ok() ? 1 : 0);
          gauge("last_duration_seconds", labels, s, SuiteStatus::seconds);
          gauge("last_files_fetched", labels, s, SuiteStatus::filesFetched);
          gauge("last_bytes_fetched", labels, s, SuiteStatus::bytesFetched);
          gauge("last_failures", labels, s, SuiteStatus::failures);
          sample("last_outcome", join(labels, "outcome=\"" + escape(s.outcome()) + "\""), 1);
        });
    for (String dist : index.suites()) {
      Optional<Instant> date =
          MirrorStatus.publishedReleaseDate(PublishedFiles.inFolder(m.root()), dist);
      if (date.isEmpty()) continue;
      sample(
          "release_age_seconds",
          join(mirror, "suite=\"" + escape(dist) + "\""),
          Math.max(0, now.getEpochSecond() - date.get().getEpochSecond()));
    }
    sample("quarantined_files", mirror, MirrorStatus.quarantined(m.root()).size());
    sample("pending_deletions", mirror, index.pendingDeletes().size());
  }

  private void gauge(
      String name, String labels, SuiteStatus s, ToDoubleFunction<SuiteStatus> value) {
    sample(name, labels, value.applyAsDouble(s));
  }

  private void sample(String name, String labels, double v) {
    StringBuilder out = samples.get(name).append(PREFIX).append(name);
    if (!labels.isEmpty()) out.append('{').append(labels).append('}');
    out.append(' ')
        .append(v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v))
        .append('\n');
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : a + "," + b;
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
