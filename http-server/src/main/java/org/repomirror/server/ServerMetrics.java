package org.repomirror.server;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.repomirror.store.ServedTree;

/**
 * The server's Prometheus metrics: requests by status code, body bytes, connections. Thread-safe.
 */
final class ServerMetrics {
  /** The Content-Type of {@link #writeText}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests =
      Counter.builder()
          .name("repomirror_http_requests_total")
          .help("Requests answered, by status code.")
          .labelNames("code")
          .register(registry);
  private final CounterDataPoint bodyBytes =
      Counter.builder()
          .name("repomirror_http_response_body_bytes_total")
          .help("Response body bytes sent.")
          .register(registry)
          .labelValues();
  private final CounterDataPoint headerTimeouts =
      Counter.builder()
          .name("repomirror_http_header_timeouts_total")
          .help("Connections closed because a request head did not arrive in time.")
          .register(registry)
          .labelValues();

  /** Data points by status code, created on first use so a scrape shows only codes sent. */
  private final AtomicReferenceArray<CounterDataPoint> byCode = new AtomicReferenceArray<>(600);

  ServerMetrics(ConnectionLimiter limiter) {
    GaugeWithCallback.builder()
        .name("repomirror_http_open_connections")
        .help("Public connections open now.")
        .callback(cb -> cb.call(limiter.open()))
        .register(registry);
    CounterWithCallback.builder()
        .name("repomirror_http_connections_total")
        .help("Public connections accepted.")
        .callback(cb -> cb.call(limiter.accepted()))
        .register(registry);
    CounterWithCallback.builder()
        .name("repomirror_http_connections_rejected_total")
        .help("Connections closed at once because max-connections were open.")
        .callback(cb -> cb.call(limiter.rejected()))
        .register(registry);
  }

  /** The gauges and counter of generation pinning, read when scraped. */
  void pinning(GenerationPinning pinning) {
    GaugeWithCallback.builder()
        .name("repomirror_generations_kept")
        .help("Generations of suites' metadata kept for pinned clients, over all suites.")
        .callback(cb -> cb.call(pinning.generationsKept()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("repomirror_pinned_addresses")
        .help("Client addresses pinned to a generation of some suite, within the pin window.")
        .callback(cb -> cb.call(pinning.pinnedAddresses()))
        .register(registry);
    CounterWithCallback.builder()
        .name("repomirror_pinned_older_generation_requests_total")
        .help("Requests answered from a generation older than the one served now.")
        .callback(cb -> cb.call(pinning.olderServed()))
        .register(registry);
  }

  /** The counter of a tree in an object store: the times its store did not answer. */
  void store(ServedTree tree) {
    CounterWithCallback.builder()
        .name("repomirror_store_failures_total")
        .help("Requests answered 503 because the object store holding the tree did not answer.")
        .callback(cb -> cb.call(tree.storeFailures()))
        .register(registry);
  }

  void requestAnswered(int status, long sentBodyBytes) {
    CounterDataPoint point = status >= 0 && status < 600 ? byCode.get(status) : null;
    if (point == null) {
      point = requests.labelValues(Integer.toString(status));
      if (status >= 0 && status < 600) byCode.set(status, point);
    }
    point.inc();
    if (sentBodyBytes > 0) bodyBytes.inc(sentBodyBytes);
  }

  void headerTimeout() {
    headerTimeouts.inc();
  }

  /** Writes every metric in the Prometheus text format. */
  public void writeText(OutputStream out) throws IOException {
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }
}
