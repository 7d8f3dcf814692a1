package org.repomirror.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * Tells which protocol a plain connection speaks from its first bytes: HTTP/2's connection preface
 * ({@code PRI * HTTP/2.0}, a client with prior knowledge of h2c), or else HTTP/1, whose request
 * line differs from it by the second byte at the latest. Then it leaves the pipeline, handing on
 * what it read.
 */
final class PrefaceSniffer extends ByteToMessageDecoder {
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final Runnable toHttp2;

  /**
   * @param toHttp2 puts HTTP/2's handlers in place of HTTP/1's
   */
  PrefaceSniffer(Runnable toHttp2) {
    this.toHttp2 = toHttp2;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
    if (ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, n)) {
      if (n < PREFACE.readableBytes()) return; // so far the preface: wait for the rest
      toHttp2.run();
    }
    ctx.pipeline().remove(this);
  }
}
