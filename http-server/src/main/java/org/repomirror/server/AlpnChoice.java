package org.repomirror.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * Under TLS, the protocol the client chose by ALPN once the handshake is done: {@code h2}, or
 * HTTP/1.1 for a client that offered nothing (apt does not).
 */
final class AlpnChoice extends ApplicationProtocolNegotiationHandler {
  private final Runnable toHttp2;

  /**
   * @param toHttp2 puts HTTP/2's handlers in place of HTTP/1's
   */
  AlpnChoice(Runnable toHttp2) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.toHttp2 = toHttp2;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) toHttp2.run();
  }
}
