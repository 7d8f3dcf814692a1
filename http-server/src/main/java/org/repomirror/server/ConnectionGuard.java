package org.repomirror.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections that send a request head too slowly (slowloris) or make no progress at all.
 * Sits before the HTTP codec, so it sees raw bytes: the first bytes of a request arm a deadline,
 * and {@link FileHandler} disarms it when the head is decoded. While a response is being sent the
 * connection reads nothing, so the deadline is put off rather than enforced. One instance per
 * connection; used on its event loop only.
 */
final class ConnectionGuard extends ChannelDuplexHandler {
  private static final byte[] REQUEST_TIMEOUT =
      ("HTTP/1.1 408 Request Timeout\r\n"
              + "Connection: close\r\nContent-Length: 0\r\nServer: repomirror\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final long headerTimeoutNanos;
  private final ServerMetrics metrics;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> deadline;
  private boolean busy;

  ConnectionGuard(long headerTimeoutNanos, ServerMetrics metrics) {
    this.headerTimeoutNanos = headerTimeoutNanos;
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (deadline == null) {
      arm();
    }
    ctx.fireChannelRead(msg);
  }

  /** A complete request head arrived: the client is not dribbling. */
  void requestHeadReceived() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  /** Whether a response is being sent; reading is paused meanwhile. */
  void busy(boolean busy) {
    this.busy = busy;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close(); // no progress either way for idle-timeout
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    requestHeadReceived();
    super.channelInactive(ctx);
  }

  private void arm() {
    deadline = ctx.executor().schedule(this::expired, headerTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void expired() {
    deadline = null;
    if (!ctx.channel().isActive()) return;
    if (busy) {
      arm();
      return;
    }
    metrics.headerTimeout();
    ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
