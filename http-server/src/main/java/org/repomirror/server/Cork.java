package org.repomirror.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.epoll.EpollSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP_CORK on a connection while a file's head and the start of its body are written, so that they
 * leave in one segment, as with nginx's tcp_nopush; on loopback that halves the receiver's wakeups,
 * which the sender pays for. Only on epoll; elsewhere nothing. One per connection, used on its
 * event loop only.
 */
final class Cork {
  private static final Logger log = LoggerFactory.getLogger(Cork.class);

  private boolean corked;

  void set(ChannelHandlerContext ctx, boolean on) {
    if (corked != on && ctx.channel() instanceof EpollSocketChannel epoll && epoll.isActive()) {
      try {
        epoll.config().setTcpCork(on);
        corked = on;
      } catch (RuntimeException e) {
        log.debug("cannot set TCP_CORK: {}", e.toString());
      }
    }
  }
}
