package org.repomirror.source;

import java.time.Duration;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The Apache async clients that carry one upstream's pipelined requests: one for HTTP/1.1, made at
 * once, and one for HTTP/2 (prior knowledge over plain TCP, ALPN under TLS), made at the first
 * HTTP/2 connection. Both are shut down together. Thread-safe.
 */
final class AsyncClients implements AutoCloseable {
  /**
   * HTTP/2's flow-control window, for the connection and each stream: how much an upstream may send
   * before the client says it read it. The protocol's 64 KiB moves at most 3 MB/s across a 20 ms
   * round trip, whatever the link; 1 MiB lets one connection move about 300 Mbit/s there (it is
   * topped up when half is used), and bounds what a stream holds that its reader has not taken.
   */
  static final int H2_WINDOW = 1 << 20;

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final LazyTls tls;
  private final MinimalHttpAsyncClient http1;
  private MinimalHttpAsyncClient http2; // guarded by this

  /**
   * @param connections the HTTP/1.1 connections that may be open at once
   */
  AsyncClients(int connections, Duration connectTimeout, Duration readTimeout, LazyTls tls) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.tls = tls;
    this.http1 = build(HttpVersionPolicy.FORCE_HTTP_1, connections);
  }

  /** The client for one protocol; HTTP/2's, one connection, is made at the first call. */
  synchronized MinimalHttpAsyncClient of(boolean h2) {
    if (!h2) return http1;
    if (http2 == null) http2 = build(HttpVersionPolicy.FORCE_HTTP_2, 1);
    return http2;
  }

  private MinimalHttpAsyncClient build(HttpVersionPolicy protocol, int connections) {
    MinimalHttpAsyncClient built =
        HttpAsyncClients.createMinimal(
            H2Config.custom().setPushEnabled(false).setInitialWindowSize(H2_WINDOW).build(),
            Http1Config.custom().setBufferSize(256 * 1024).build(),
            IOReactorConfig.custom()
                .setIoThreadCount(Math.min(connections, Runtime.getRuntime().availableProcessors()))
                .build(),
            PoolingAsyncClientConnectionManagerBuilder.create()
                // Retiring connections still count until they close: room for a second set.
                .setMaxConnTotal(2 * connections)
                .setMaxConnPerRoute(2 * connections)
                .setTlsStrategy(tls)
                .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(protocol).build())
                .setDefaultConnectionConfig(
                    ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(readTimeout))
                        .build())
                .build());
    built.start();
    return built;
  }

  /**
   * Shuts each client's I/O threads down, then closes it: closed at once from this thread, a
   * reactor still iterating its selected keys throws a ConcurrentModificationException, logged at
   * ERROR (seen once in the demo).
   */
  @Override
  public void close() {
    MinimalHttpAsyncClient h2;
    synchronized (this) {
      h2 = http2;
    }
    shutDown(http1);
    if (h2 != null) shutDown(h2);
  }

  private static void shutDown(MinimalHttpAsyncClient client) {
    client.initiateShutdown();
    try {
      client.awaitShutdown(TimeValue.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close(CloseMode.IMMEDIATE);
  }
}
