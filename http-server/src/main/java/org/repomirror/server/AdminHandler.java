package org.repomirror.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serves {@code /health} and {@code /metrics} (the server's, then those the starting command adds,
 * such as the sync's) on the admin listener. Runs on an executor of its own, since those may block.
 * Shared; thread-safe.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final ServerMetrics metrics;
  private final MetricsWriter more;

  AdminHandler(ServerMetrics metrics, MetricsWriter more) {
    this.metrics = metrics;
    this.more = more;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request)
      throws IOException {
    String path = request.uri();
    int q = path.indexOf('?');
    if (q >= 0) path = path.substring(0, q);
    boolean getOrHead =
        HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method());
    FullHttpResponse response;
    if (!getOrHead) {
      response = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "GET or HEAD only\n");
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    } else if (path.equals("/health")) {
      response = text(ctx, HttpResponseStatus.OK, "ok\n");
    } else if (path.equals("/metrics")) {
      ByteBuf body = ctx.alloc().buffer(4096);
      try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
        metrics.writeText(out);
        more.writeText(out);
      }
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, ServerMetrics.CONTENT_TYPE);
    } else {
      response = text(ctx, HttpResponseStatus.NOT_FOUND, "try /health or /metrics\n");
    }
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (HttpMethod.HEAD.equals(request.method())) {
      response.content().clear();
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var sent = ctx.writeAndFlush(response);
    if (!keepAlive) {
      sent.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private static FullHttpResponse text(
      ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
    ByteBuf content = ctx.alloc().buffer().writeBytes(body.getBytes(StandardCharsets.UTF_8));
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return response;
  }
}
