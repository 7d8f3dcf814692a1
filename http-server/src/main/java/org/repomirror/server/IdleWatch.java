package org.repomirror.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells the pipeline of a connection that made no progress either way for the idle timeout: nothing
 * read, and its output neither sent nor added to ({@link ConnectionGuard} closes it). Netty's
 * IdleStateHandler, which watched before, put a promise and a listener on every write, which cost a
 * small file's answer about 6 % of its rate (BENCHMARKS.md); this looks at the connection four
 * times a timeout instead. A look that saw progress counts as the time of it, so a connection is
 * never closed before it was idle for the whole timeout, and at most a quarter later. One per
 * connection, on its event loop.
 */
final class IdleWatch extends ChannelDuplexHandler {
  private static final int LOOKS = 4;

  private final long timeoutNanos;
  private ScheduledFuture<?> next;
  private boolean read; // since the last look
  private long progressAt;

  // The output as the last look saw it.
  private Object message;
  private long messageProgress;
  private long pending;

  IdleWatch(long timeout, TimeUnit unit) {
    this.timeoutNanos = unit.toNanos(timeout);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) start(ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    read = true;
    ctx.fireChannelRead(msg);
  }

  private void start(ChannelHandlerContext ctx) {
    if (next != null) return;
    progressAt = System.nanoTime();
    schedule(ctx);
  }

  private void stop() {
    if (next != null) next.cancel(false);
  }

  private void schedule(ChannelHandlerContext ctx) {
    next = ctx.executor().schedule(() -> look(ctx), timeoutNanos / LOOKS, TimeUnit.NANOSECONDS);
  }

  private void look(ChannelHandlerContext ctx) {
    if (!ctx.channel().isOpen()) return;
    long now = System.nanoTime();
    if (read | outputMoved(ctx)) { // not ||: each look must note the output as it is now
      read = false;
      progressAt = now;
    } else if (now - progressAt >= timeoutNanos) {
      ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
      return;
    }
    schedule(ctx);
  }

  /** Whether the output changed since the last look: sent on, finished, or added to. */
  private boolean outputMoved(ChannelHandlerContext ctx) {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    if (out == null) return false;
    Object current = out.current();
    long progress = out.currentProgress();
    long total = out.totalPendingWriteBytes();
    boolean moved = current != message || progress != messageProgress || total != pending;
    message = current;
    messageProgress = progress;
    pending = total;
    return moved;
  }
}
