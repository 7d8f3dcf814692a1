package org.repomirror.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts open public connections, closes new ones beyond the cap, and tracks the rest in a group
 * for graceful shutdown. Shared by all connections; thread-safe.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private final int maxConnections;
  private final ChannelGroup channels;
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();

  ConnectionLimiter(int maxConnections, ChannelGroup channels) {
    this.maxConnections = maxConnections;
    this.channels = channels;
  }

  long open() {
    return open.get();
  }

  long accepted() {
    return accepted.sum();
  }

  long rejected() {
    return rejected.sum();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (open.incrementAndGet() > maxConnections) {
      rejected.increment();
      ctx.close();
      return;
    }
    accepted.increment();
    channels.add(ctx.channel());
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    open.decrementAndGet();
    super.channelInactive(ctx);
  }
}
