package org.repomirror.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A connection that turned out to speak HTTP/2: by its preface on a plain port (h2c with prior
 * knowledge, as another repomirror's sync opens it) or by ALPN under TLS. Its HTTP/1 handlers give
 * way to Netty's frame codec, and each stream gets a {@link FileHandler} of its own behind a codec
 * that turns frames into HTTP objects and back. The streams share the connection's generation pins.
 * This handler closes the connection, with a GOAWAY, at a graceful shutdown or when it idles.
 */
final class Http2Serving extends ChannelInboundHandlerAdapter {
  /**
   * Streams a client may have open at once: each holds at most one file open, as an HTTP/1
   * connection does.
   */
  static final long MAX_CONCURRENT_STREAMS = 100;

  private Http2Serving() {}

  /**
   * Replaces the HTTP/1 handlers of a connection's pipeline with HTTP/2's; the bytes already read
   * reach the frame codec next.
   */
  static void install(
      ChannelPipeline p,
      FileHandler.Site site,
      BooleanSupplier draining,
      Duration shutdownTimeout,
      int maxHeaderSize) {
    for (String name : ServerInitializer.HTTP1_HANDLERS) {
      if (p.get(name) != null) p.remove(name);
    }
    GenerationPinning.Connection pins = new GenerationPinning.Connection();
    p.addLast("h2-control", new Http2Serving());
    p.addLast(
        "h2",
        Http2FrameCodecBuilder.forServer()
            .initialSettings(
                Http2Settings.defaultSettings()
                    .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                    .maxHeaderListSize(maxHeaderSize))
            .gracefulShutdownTimeoutMillis(shutdownTimeout.toMillis())
            .build());
    p.addLast(
        "h2-streams",
        new Http2MultiplexHandler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline()
                    .addLast(
                        new Http2StreamFrameToHttpObjectCodec(true),
                        new ChunkedWriteHandler(),
                        FileHandler.forStream(site, draining.getAsBoolean(), pins));
              }
            }));
    // Flow control, not a paused read, bounds an HTTP/2 connection: its frames must be read.
    p.channel().config().setAutoRead(true);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == FileHandler.DRAIN || evt instanceof IdleStateEvent) {
      // From the pipeline's tail, through the frame codec: a GOAWAY, then the open streams end.
      ctx.channel().close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }
}
