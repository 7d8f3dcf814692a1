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
 * Sits before the HTTP codec, so it sees raw bytes: the first bytes of a request start the clock,
 * and {@link FileHandler} stops it when the head is decoded. While a response is being sent the
 * connection reads nothing, so the clock restarts when it is done. One instance per connection;
 * used on its event loop only.
 */
final class ConnectionGuard extends ChannelDuplexHandler {
  private static final byte[] REQUEST_TIMEOUT =
      ("HTTP/1.1 408 Request Timeout\r\n"
              + "Connection: close\r\nContent-Length: 0\r\nServer: repomirror\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final long headerTimeoutNanos;
  private final ServerMetrics metrics;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private long headStartNanos; // 0 while no request head is partly received
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
    if (headStartNanos == 0) {
      headStartNanos = System.nanoTime();
      if (timer == null) {
        schedule(headerTimeoutNanos);
      }
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * A complete request head arrived: the client is not dribbling. The timer is left to find nothing
   * pending; rescheduling it per request would cost more than the request.
   */
  void requestHeadReceived() {
    headStartNanos = 0;
  }

  /** Whether a response is being sent; reading is paused meanwhile. */
  void busy(boolean busy) {
    this.busy = busy;
    if (!busy && headStartNanos != 0) {
      headStartNanos = System.nanoTime(); // a pipelined head waited on us, not on the client
    }
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
    cancel();
    super.channelInactive(ctx);
  }

  /** Taken out for HTTP/2, whose frames it cannot judge: its 408 would be HTTP/1's bytes. */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void schedule(long delayNanos) {
    timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (headStartNanos == 0 || !ctx.channel().isActive()) {
      return; // nothing pending; the next read arms the timer again
    }
    long waited = System.nanoTime() - headStartNanos;
    if (busy || waited < headerTimeoutNanos) {
      schedule(busy ? headerTimeoutNanos : headerTimeoutNanos - waited);
      return;
    }
    metrics.headerTimeout();
    ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
