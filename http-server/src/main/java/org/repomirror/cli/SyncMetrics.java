package org.repomirror.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.repomirror.config.MirrorConfig;
import org.repomirror.config.RepomirrorConfig;
import org.repomirror.index.Index;
import org.repomirror.report.SyncMetricsText;
import org.repomirror.server.MetricsWriter;
import org.repomirror.sync.MirrorLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync's metrics, read from each mirror's index opened read-only: for serve's {@code /metrics}
 * at each scrape, beside a sync that may hold the index, so that serve and sync stay separate
 * processes (the server calls it on the admin listener's own executor, never on an event loop
 * serving files); and for {@code sync --metrics-file}. Blocking. Thread-safe.
 */
public final class SyncMetrics implements MetricsWriter {
  private static final Logger log = LoggerFactory.getLogger(SyncMetrics.class);

  /** Each mirror's root by its label; the one key null for a configuration without a list. */
  private final Map<String, Path> roots;

  private final Clock clock;

  /** The metrics of the one mirror at {@code root}, with no {@code mirror} label. */
  public SyncMetrics(Path root, Clock clock) {
    this(single(root), clock);
  }

  private SyncMetrics(Map<String, Path> roots, Clock clock) {
    this.roots = roots;
    this.clock = clock;
  }

  /**
   * The metrics of every mirror of a configuration's list, labelled with its name; without a list,
   * those of the one mirror at {@code root}.
   */
  public static SyncMetrics of(RepomirrorConfig config, Path root, Clock clock) {
    if (config.mirrors().isEmpty()) return new SyncMetrics(root, clock);
    Map<String, Path> roots = new LinkedHashMap<>();
    for (MirrorConfig m : config.mirrors()) roots.put(m.name(), m.sync().root());
    return new SyncMetrics(roots, clock);
  }

  private static Map<String, Path> single(Path root) {
    Map<String, Path> roots = new LinkedHashMap<>();
    roots.put(null, root);
    return roots;
  }

  @Override
  public void writeText(OutputStream out) throws IOException {
    List<Index> opened = new ArrayList<>();
    String text;
    try {
      List<SyncMetricsText.Mirror> mirrors = new ArrayList<>();
      roots.forEach(
          (name, root) -> {
            Index index = open(name, root);
            if (index != null) opened.add(index);
            mirrors.add(new SyncMetricsText.Mirror(name, root, index));
          });
      text = SyncMetricsText.render(mirrors, clock.instant());
    } finally {
      for (Index index : opened) index.close();
    }
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A mirror's index, read-only; null when no sync has written it yet, or it cannot be read. */
  private static Index open(String name, Path root) {
    Path dir = new MirrorLayout(root).index();
    if (!Files.isDirectory(dir)) return null;
    try {
      return Index.openReadOnly(dir);
    } catch (RuntimeException e) {
      log.warn(
          "cannot read the index of {} for /metrics: {}",
          name != null ? "mirror " + name : root,
          e.toString());
      return null;
    }
  }
}
