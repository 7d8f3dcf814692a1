package org.repomirror.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.repomirror.config.ServerConfig;

/**
 * Assembles the pipeline of a public connection: for HTTP/1, which every connection is taken to
 * speak until its first bytes (or, under TLS, ALPN) say HTTP/2; then {@link Http2Serving} replaces
 * the HTTP/1 handlers.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {
  /** Request line and header block limits; beyond them the answer is 414 or 431. */
  static final int MAX_INITIAL_LINE = 8 * 1024;

  static final int MAX_HEADER_SIZE = 8 * 1024;

  /** The handlers an HTTP/2 connection does without. */
  static final List<String> HTTP1_HANDLERS =
      List.of("guard", "http-decoder", "http-encoder", "chunked", "files");

  private final ServerConfig config;
  private final FileHandler.Site site;
  private final ServerMetrics metrics;
  private final ConnectionLimiter limiter;
  private final SslContext ssl;
  private final BooleanSupplier draining;

  ServerInitializer(
      ServerConfig config,
      FileHandler.Site site,
      ConnectionLimiter limiter,
      SslContext ssl,
      BooleanSupplier draining) {
    this.config = config;
    this.site = site;
    this.metrics = site.metrics();
    this.limiter = limiter;
    this.ssl = ssl;
    this.draining = draining;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    Runnable toHttp2 =
        () -> Http2Serving.install(p, site, draining, config.shutdownTimeout(), MAX_HEADER_SIZE);
    p.addLast("limiter", limiter);
    if (ssl != null) {
      p.addLast("tls", ssl.newHandler(ch.alloc()));
      p.addLast("protocol", new AlpnChoice(toHttp2));
    }
    p.addLast("idle", new IdleWatch(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    ConnectionGuard guard = new ConnectionGuard(config.headerTimeout().toNanos(), metrics);
    p.addLast("guard", guard);
    if (ssl == null) {
      p.addLast("protocol", new PrefaceSniffer(toHttp2)); // after the guard: a stalled preface
    }
    // A decoder and an encoder rather than HttpServerCodec: FileHandler writes pre-encoded heads
    // past the encoder, which the codec would not know of (it pairs each response with a request
    // method). The decoder keeps no queue of its own; FileHandler bounds the pipelined requests.
    p.addLast(
        "http-decoder",
        new HttpRequestDecoder(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(8192)));
    p.addLast("http-encoder", new HttpResponseEncoder());
    if (ssl != null) {
      p.addLast("chunked", new ChunkedWriteHandler());
    }
    p.addLast("files", new FileHandler(site, guard, ssl != null, draining.getAsBoolean()));
  }
}
