package org.repomirror.server;

import static io.netty.handler.codec.http.HttpHeaderNames.CACHE_CONTROL;
import static io.netty.handler.codec.http.HttpHeaderNames.CONNECTION;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE;
import static io.netty.handler.codec.http.HttpHeaderNames.DATE;
import static io.netty.handler.codec.http.HttpHeaderNames.SERVER;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.repomirror.http.ContentTypes;
import org.repomirror.http.HttpDates;

/**
 * One request being answered: its connection, the request, when it came, whether only the head is
 * wanted and whether the connection stays open; and the answers every kind of response shares. Used
 * on the connection's event loop only.
 *
 * @param startMillis when the request was taken up, for the Date header and the access log
 */
record Exchange(
    ChannelHandlerContext ctx,
    HttpRequest request,
    long startMillis,
    boolean head,
    boolean keepAlive) {

  private static final String SERVER_NAME = "repomirror";

  // Response headers skip Netty's validation: every name is a constant, and every value is ours
  // or was validated on the way in. Validation was a tenth of the time of a small response.
  static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

  /** The answer to the request, and the write that sends it. */
  record Outcome(Reply reply, ChannelFuture sent) {}

  /** What the access log and metrics need once an answer is sent. */
  record Reply(
      HttpRequest request, long startMillis, int status, long bodyBytes, boolean keepAlive) {}

  static Exchange of(ChannelHandlerContext ctx, HttpRequest request, long start, boolean open) {
    return new Exchange(ctx, request, start, HttpMethod.HEAD.equals(request.method()), open);
  }

  /** The same request, answered with the connection closed after it. */
  Exchange closing() {
    return new Exchange(ctx, request, startMillis, head, false);
  }

  /** A short plain-text answer for errors: its status and reason phrase. */
  Outcome error(HttpResponseStatus status) {
    return send(text(status), head);
  }

  /** A short plain-text response for errors and redirects, with its Content-Length. */
  HttpResponse text(HttpResponseStatus status) {
    byte[] body =
        (status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body), HEADERS, TRAILERS);
    response.headers().set(CONTENT_TYPE, ContentTypes.TEXT);
    response.headers().setInt(CONTENT_LENGTH, body.length);
    response.headers().set(CACHE_CONTROL, "no-store");
    setCommon(response);
    return response;
  }

  /** Sends a complete in-memory response; for HEAD (or a 304), the headers only. */
  Outcome send(HttpResponse response, boolean headersOnly) {
    long bodyBytes = 0;
    if (response instanceof DefaultFullHttpResponse full) {
      if (headersOnly) {
        full.content().clear();
      } else {
        bodyBytes = full.content().readableBytes();
      }
    }
    return sent(response.status().code(), bodyBytes, ctx.writeAndFlush(response));
  }

  /** The outcome of an answer already written. */
  Outcome sent(int status, long bodyBytes, ChannelFuture sent) {
    return new Outcome(new Reply(request, startMillis, status, bodyBytes, keepAlive), sent);
  }

  /** The headers every response carries: Server, Date and, where needed, Connection. */
  void setCommon(HttpResponse response) {
    HttpHeaders out = response.headers();
    out.set(SERVER, SERVER_NAME);
    out.set(DATE, HttpDates.now(startMillis));
    String connection = connection();
    if (connection != null) out.set(CONNECTION, connection);
  }

  /** The Connection header of a response, or null for none: HTTP/1.1 keeps alive by default. */
  String connection() {
    if (!keepAlive) return HttpHeaderValues.CLOSE.toString();
    return request.protocolVersion().minorVersion() == 0
        ? HttpHeaderValues.KEEP_ALIVE.toString()
        : null;
  }
}
