package org.repomirror.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * More metrics for {@code /metrics}, after the server's own, in the Prometheus text format: how the
 * command that starts the server adds the sync's without the server knowing the engine. Called on
 * the admin listener's own executor, so it may block.
 */
@FunctionalInterface
public interface MetricsWriter {
  MetricsWriter NONE = out -> {};

  void writeText(OutputStream out) throws IOException;
}
