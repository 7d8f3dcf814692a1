package org.repomirror.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.repomirror.index.Index;
import org.repomirror.report.SyncMetricsText;
import org.repomirror.server.MetricsWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync's metrics, read from the mirror's index opened read-only: for serve's {@code /metrics}
 * at each scrape, beside a sync that may hold the index, so that serve and sync stay separate
 * processes (the server calls it on the admin listener's own executor, never on an event loop
 * serving files); and for {@code sync --metrics-file}. Blocking. Thread-safe.
 */
public final class SyncMetrics implements MetricsWriter {
  private static final Logger log = LoggerFactory.getLogger(SyncMetrics.class);
  private static final String READABLE =
      "# HELP repomirror_sync_index_readable Whether the mirror's index could be read for these"
          + " metrics.\n# TYPE repomirror_sync_index_readable gauge\n"
          + "repomirror_sync_index_readable ";

  private final Path root;
  private final Clock clock;

  public SyncMetrics(Path root, Clock clock) {
    this.root = root;
    this.clock = clock;
  }

  @Override
  public void writeText(OutputStream out) throws IOException {
    Path dir = root.resolve(".repomirror/index");
    String text;
    if (!Files.isDirectory(dir)) {
      text = READABLE + "0\n"; // no sync has written this mirror yet
    } else {
      try (Index index = Index.openReadOnly(dir)) {
        text = SyncMetricsText.render(root, index, clock.instant()) + READABLE + "1\n";
      } catch (RuntimeException | IOException e) {
        log.warn("cannot read the mirror's index for /metrics: {}", e.toString());
        text = READABLE + "0\n";
      }
    }
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }
}
