package org.repomirror.server;

import static io.netty.handler.codec.http.HttpHeaderNames.ACCEPT_RANGES;
import static io.netty.handler.codec.http.HttpHeaderNames.ALLOW;
import static io.netty.handler.codec.http.HttpHeaderNames.CACHE_CONTROL;
import static io.netty.handler.codec.http.HttpHeaderNames.CONNECTION;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_RANGE;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE;
import static io.netty.handler.codec.http.HttpHeaderNames.DATE;
import static io.netty.handler.codec.http.HttpHeaderNames.ETAG;
import static io.netty.handler.codec.http.HttpHeaderNames.HOST;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_MATCH;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_MODIFIED_SINCE;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_NONE_MATCH;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_RANGE;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_UNMODIFIED_SINCE;
import static io.netty.handler.codec.http.HttpHeaderNames.LAST_MODIFIED;
import static io.netty.handler.codec.http.HttpHeaderNames.LOCATION;
import static io.netty.handler.codec.http.HttpHeaderNames.RANGE;
import static io.netty.handler.codec.http.HttpHeaderNames.REFERER;
import static io.netty.handler.codec.http.HttpHeaderNames.SERVER;
import static io.netty.handler.codec.http.HttpHeaderNames.TRANSFER_ENCODING;
import static io.netty.handler.codec.http.HttpHeaderNames.USER_AGENT;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.stream.ChunkedFile;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.repomirror.http.ByteRange;
import org.repomirror.http.CachePolicy;
import org.repomirror.http.ContentTypes;
import org.repomirror.http.DirectoryListing;
import org.repomirror.http.HttpDates;
import org.repomirror.http.RequestPath;
import org.repomirror.http.RequestRejected;
import org.repomirror.http.Validators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers GET and HEAD from the served tree. Requests are answered strictly in order, one at a
 * time: while a response is in flight the connection reads nothing more, which bounds open files
 * and memory per connection (a file region counts as zero bytes against Netty's water marks).
 * Pipelined requests already decoded wait in a short queue. One instance per connection; used on
 * its event loop only.
 */
final class FileHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FileHandler.class);

  /** Fired on each connection at graceful shutdown: finish the current response, then close. */
  static final Object DRAIN = new Object();

  /**
   * More decoded-but-unanswered requests than this is a flood, not apt's pipeline of 10: the
   * connection is closed without a word in the log. Netty's codec has a limit of its own, turned
   * off in {@link ServerInitializer}: it fails with an exception, logged as a warning.
   */
  static final int MAX_QUEUED_REQUESTS = 128;

  private static final int CHUNK_SIZE = 16 * 1024;

  private static final String SERVER_NAME = "repomirror";

  // Response headers skip Netty's validation: every name is a constant, and every value is ours
  // or was validated on the way in. Validation was a tenth of the time of a small response.
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

  private final ServedTree tree;
  private final SmallFileCache smallFiles;
  private final ResponseHeads heads;
  private final CachePolicy cachePolicy;
  private final GenerationPinning pinning;
  private final GenerationPinning.Connection pins = new GenerationPinning.Connection();
  private final ServerMetrics metrics;
  private final AccessLog accessLog;
  private final ConnectionGuard guard;
  private final boolean tls;
  private ChannelHandlerContext encoder;
  private final ArrayDeque<HttpRequest> queue = new ArrayDeque<>();
  private boolean responding;
  private boolean corked;
  private boolean draining;
  private boolean stopped;

  /**
   * What every connection serves from: the tree, the cache of small files, the caching headers and
   * the generations clients are pinned to.
   */
  record Site(
      ServedTree tree,
      SmallFileCache smallFiles,
      ResponseHeads heads,
      CachePolicy cachePolicy,
      GenerationPinning pinning,
      ServerMetrics metrics,
      AccessLog accessLog) {}

  FileHandler(Site site, ConnectionGuard guard, boolean tls, boolean draining) {
    this.tree = site.tree();
    this.smallFiles = site.smallFiles();
    this.heads = site.heads();
    this.cachePolicy = site.cachePolicy();
    this.pinning = site.pinning();
    this.metrics = site.metrics();
    AccessLog accessLog = site.accessLog();
    this.accessLog = accessLog;
    this.guard = guard;
    this.tls = tls;
    this.draining = draining;
  }

  /** One answer under way: what the access log and metrics need once it is sent. */
  private record Reply(
      HttpRequest request, long startMillis, int status, long bodyBytes, boolean keepAlive) {}

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Writes from the encoder's context go straight to the socket: the pre-encoded answers.
    encoder = ctx.pipeline().context(HttpResponseEncoder.class);
    if (encoder == null) {
      throw new IllegalStateException("FileHandler needs an HttpResponseEncoder before it");
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.read();
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof HttpRequest request)) {
        return; // request bodies are refused at the head; their content is dropped
      }
      guard.requestHeadReceived();
      if (stopped) {
        return;
      }
      if (queue.size() >= MAX_QUEUED_REQUESTS) {
        stopped = true;
        ctx.close();
        return;
      }
      queue.add(request);
      serveNext(ctx);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!responding && !stopped) {
      ctx.read();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == DRAIN) {
      draining = true;
      if (!responding) {
        stopped = true;
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      log.warn("closing connection from {}", ctx.channel().remoteAddress(), cause);
    }
    stopped = true;
    ctx.close();
  }

  private void serveNext(ChannelHandlerContext ctx) {
    while (!responding && !stopped && !queue.isEmpty()) {
      HttpRequest request = queue.poll();
      responding = true;
      guard.busy(true);
      long start = System.currentTimeMillis();
      Reply reply;
      ChannelFuture sent;
      try {
        Outcome outcome = answer(ctx, request, start);
        reply = outcome.reply;
        sent = outcome.sent;
      } catch (RuntimeException e) {
        log.error("failed to answer {} {}", request.method(), request.uri(), e);
        stopped = true;
        ctx.close();
        return;
      }
      if (!reply.keepAlive()) {
        stopped = true;
      }
      sent.addListener(f -> finished(ctx, reply, f.isSuccess()));
    }
  }

  private void finished(ChannelHandlerContext ctx, Reply reply, boolean success) {
    cork(ctx, false);
    responding = false;
    guard.busy(false);
    metrics.requestAnswered(reply.status(), success ? reply.bodyBytes() : 0);
    if (accessLog != AccessLog.OFF) {
      HttpRequest r = reply.request();
      accessLog.log(
          new AccessLogEntry(
              remoteIp(ctx.channel().remoteAddress()),
              reply.startMillis(),
              r.method() + " " + r.uri() + " " + r.protocolVersion(),
              reply.status(),
              success ? reply.bodyBytes() : 0,
              r.headers().get(REFERER),
              r.headers().get(USER_AGENT)));
    }
    if (!success || !reply.keepAlive() || draining) {
      stopped = true;
      ctx.close();
    } else if (!queue.isEmpty()) {
      serveNext(ctx);
    } else {
      ctx.read();
    }
  }

  private record Outcome(Reply reply, ChannelFuture sent) {}

  /** Writes the whole response to one request; guard clauses first, the file last. */
  private Outcome answer(ChannelHandlerContext ctx, HttpRequest request, long start) {
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      return error(ctx, request, start, statusOf(decoded.cause()), false);
    }
    HttpVersion version = request.protocolVersion();
    if (version.majorVersion() != 1) {
      return error(ctx, request, start, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, false);
    }
    HttpHeaders headers = request.headers();
    if (headers.contains(TRANSFER_ENCODING) || HttpUtil.getContentLength(request, 0L) != 0) {
      // A GET or HEAD has no body; one that claims a body may be an attempt at smuggling.
      return error(ctx, request, start, HttpResponseStatus.BAD_REQUEST, false);
    }
    if (version.minorVersion() >= 1 && !headers.contains(HOST)) {
      return error(ctx, request, start, HttpResponseStatus.BAD_REQUEST, false);
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request) && !draining;
    HttpMethod method = request.method();
    boolean head = HttpMethod.HEAD.equals(method);
    if (!head && !HttpMethod.GET.equals(method)) {
      HttpResponse response =
          textResponse(HttpResponseStatus.METHOD_NOT_ALLOWED, keepAlive, request);
      response.headers().set(ALLOW, "GET, HEAD");
      return send(ctx, request, start, response, head, keepAlive);
    }
    RequestPath path;
    try {
      path = RequestPath.parse(request.uri());
    } catch (RequestRejected e) {
      log.debug("rejected {}: {}", request.uri(), e.getMessage());
      return error(ctx, request, start, HttpResponseStatus.valueOf(e.status()), keepAlive);
    }
    ServedTree.Resolved resolved = pinning.resolve(pins, clientAddress(ctx), headers, path);
    return switch (resolved != null ? resolved : tree.resolve(path)) {
      case ServedTree.RegularFile file when !path.trailingSlash() ->
          serveFile(ctx, request, start, path, file, head, keepAlive);
      case ServedTree.Directory dir when path.trailingSlash() ->
          serveListing(ctx, request, start, path, dir, head, keepAlive);
      case ServedTree.Directory dir -> redirectToDirectory(ctx, request, start, head, keepAlive);
      default -> error(ctx, request, start, HttpResponseStatus.NOT_FOUND, keepAlive);
    };
  }

  private static java.net.InetAddress clientAddress(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  private Outcome serveFile(
      ChannelHandlerContext ctx,
      HttpRequest request,
      long start,
      RequestPath path,
      ServedTree.RegularFile file,
      boolean head,
      boolean keepAlive) {
    HttpHeaders h = request.headers();
    long size = file.size();
    long mtime = file.mtimeSecond();
    String etag = Validators.etag(size, mtime);
    Validators.Precondition precondition =
        Validators.evaluate(
            h.get(IF_MATCH),
            h.get(IF_UNMODIFIED_SINCE),
            h.get(IF_NONE_MATCH),
            h.get(IF_MODIFIED_SINCE),
            etag,
            mtime);
    if (precondition == Validators.Precondition.FAILED) {
      return error(ctx, request, start, HttpResponseStatus.PRECONDITION_FAILED, keepAlive);
    }
    String cacheControl = cachePolicy.cacheControl(path.segments(), false);
    if (precondition == Validators.Precondition.NOT_MODIFIED) {
      // No Content-Length: a 304 has no body, and a cache must not take 0 as the file's length.
      HttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.NOT_MODIFIED,
              Unpooled.EMPTY_BUFFER,
              HEADERS,
              TRAILERS);
      setCommon(response, request, keepAlive);
      setValidators(response, etag, mtime, cacheControl);
      return send(ctx, request, start, response, true, keepAlive);
    }
    ByteRange range =
        !head && Validators.rangeApplies(h.get(IF_RANGE), etag, mtime)
            ? ByteRange.parse(h.get(RANGE), size)
            : ByteRange.FULL;
    HttpResponse response;
    long offset = 0;
    long length = size;
    switch (range) {
      case ByteRange.Unsatisfiable u -> {
        response =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                Unpooled.EMPTY_BUFFER,
                HEADERS,
                TRAILERS);
        response.headers().set(CONTENT_RANGE, "bytes */" + size);
        response.headers().setInt(CONTENT_LENGTH, 0);
        setCommon(response, request, keepAlive);
        setValidators(response, etag, mtime, cacheControl);
        return send(ctx, request, start, response, true, keepAlive);
      }
      case ByteRange.Partial p -> {
        response =
            new DefaultHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT, HEADERS);
        response.headers().set(CONTENT_RANGE, "bytes " + p.first() + "-" + p.last() + "/" + size);
        offset = p.first();
        length = p.length();
      }
      case ByteRange.Full f ->
          response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, HEADERS);
    }
    String contentType = ContentTypes.forName(path.segments().getLast());
    ByteBuf inline = null;
    if (!head && !tls && length > 0 && smallFiles.accepts(size)) {
      // Small bodies go out in the same write as the headers: one syscall, one TCP segment.
      try {
        ByteBuffer whole = smallFiles.read(file);
        inline = Unpooled.wrappedBuffer(whole.slice((int) offset, (int) length));
      } catch (IOException e) {
        log.debug("cannot read {}: {}", file.path(), e.toString());
        return error(ctx, request, start, HttpResponseStatus.NOT_FOUND, keepAlive);
      }
      if (range instanceof ByteRange.Full) {
        // The hot case (Release, InRelease, small indexes): a head encoded once per file.
        encoder.write(heads.head(file, contentType, cacheControl));
        encoder.write(ResponseHeads.tail(ctx.alloc(), start, connection(request, keepAlive)));
        ChannelFuture sent = encoder.writeAndFlush(inline);
        return new Outcome(new Reply(request, start, 200, length, keepAlive), sent);
      }
      response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              response.status(),
              inline,
              response.headers(),
              TRAILERS.newHeaders());
    }
    HttpHeaders out = response.headers();
    out.set(CONTENT_TYPE, contentType);
    out.set(CONTENT_LENGTH, length);
    out.set(ACCEPT_RANGES, HttpHeaderValues.BYTES);
    setCommon(response, request, keepAlive);
    setValidators(response, etag, mtime, cacheControl);

    ChannelFuture sent;
    if (inline != null) {
      sent = ctx.writeAndFlush(response);
    } else if (head || length == 0) {
      ctx.write(response);
      sent = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      length = 0;
    } else if (tls) {
      ctx.write(response);
      try {
        RandomAccessFile raf = new RandomAccessFile(file.path().toFile(), "r");
        sent =
            ctx.writeAndFlush(
                new HttpChunkedInput(new ChunkedFile(raf, offset, length, CHUNK_SIZE)));
      } catch (IOException e) {
        // Headers are out already; closing is the only honest signal left.
        log.warn("cannot open {}: {}", file.path(), e.toString());
        sent = ctx.newFailedFuture(e);
      }
    } else {
      // Corked, the headers leave in the same segment as the start of the body, as with nginx's
      // tcp_nopush; on loopback that halves the receiver's wakeups, which the sender pays for.
      cork(ctx, true);
      ctx.write(response);
      // Opened lazily from the File, so a queued region holds no descriptor.
      ctx.write(new DefaultFileRegion(file.path().toFile(), offset, length));
      sent = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    return new Outcome(
        new Reply(request, start, response.status().code(), length, keepAlive), sent);
  }

  private Outcome serveListing(
      ChannelHandlerContext ctx,
      HttpRequest request,
      long start,
      RequestPath path,
      ServedTree.Directory dir,
      boolean head,
      boolean keepAlive) {
    byte[] html;
    try {
      String shown = path.segments().isEmpty() ? "/" : "/" + path.relative() + "/";
      html = DirectoryListing.render(shown, tree.list(dir));
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir.path(), e.toString());
      return error(ctx, request, start, HttpResponseStatus.NOT_FOUND, keepAlive);
    }
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(html),
            HEADERS,
            TRAILERS);
    response.headers().set(CONTENT_TYPE, ContentTypes.HTML);
    response.headers().setInt(CONTENT_LENGTH, html.length);
    response.headers().set(LAST_MODIFIED, HttpDates.format(dir.mtimeSecond()));
    response.headers().set(CACHE_CONTROL, cachePolicy.cacheControl(path.segments(), true));
    setCommon(response, request, keepAlive);
    return send(ctx, request, start, response, head, keepAlive);
  }

  private Outcome redirectToDirectory(
      ChannelHandlerContext ctx, HttpRequest request, long start, boolean head, boolean keepAlive) {
    String uri = request.uri();
    String location;
    try {
      String raw = RequestPath.rawPath(uri);
      int q = uri.indexOf('?');
      location = raw + "/" + (q >= 0 ? uri.substring(q) : "");
    } catch (RequestRejected e) {
      return error(ctx, request, start, HttpResponseStatus.BAD_REQUEST, keepAlive);
    }
    HttpResponse response = textResponse(HttpResponseStatus.MOVED_PERMANENTLY, keepAlive, request);
    response.headers().set(LOCATION, location);
    return send(ctx, request, start, response, head, keepAlive);
  }

  private Outcome error(
      ChannelHandlerContext ctx,
      HttpRequest request,
      long start,
      HttpResponseStatus status,
      boolean keepAlive) {
    boolean head = HttpMethod.HEAD.equals(request.method());
    return send(ctx, request, start, textResponse(status, keepAlive, request), head, keepAlive);
  }

  /** A short plain-text response for errors and redirects, with its Content-Length. */
  private static HttpResponse textResponse(
      HttpResponseStatus status, boolean keepAlive, HttpRequest request) {
    byte[] body =
        (status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body), HEADERS, TRAILERS);
    response.headers().set(CONTENT_TYPE, ContentTypes.TEXT);
    response.headers().setInt(CONTENT_LENGTH, body.length);
    response.headers().set(CACHE_CONTROL, "no-store");
    setCommon(response, request, keepAlive);
    return response;
  }

  /** Sends a complete in-memory response; for HEAD, the headers only. */
  private Outcome send(
      ChannelHandlerContext ctx,
      HttpRequest request,
      long start,
      HttpResponse response,
      boolean headersOnly,
      boolean keepAlive) {
    long bodyBytes = 0;
    if (response instanceof DefaultFullHttpResponse full) {
      if (headersOnly) {
        full.content().clear();
      } else {
        bodyBytes = full.content().readableBytes();
      }
    }
    ChannelFuture sent = ctx.writeAndFlush(response);
    return new Outcome(
        new Reply(request, start, response.status().code(), bodyBytes, keepAlive), sent);
  }

  private static void setCommon(HttpResponse response, HttpRequest request, boolean keepAlive) {
    HttpHeaders out = response.headers();
    out.set(SERVER, SERVER_NAME);
    out.set(DATE, HttpDates.now(System.currentTimeMillis()));
    String connection = connection(request, keepAlive);
    if (connection != null) {
      out.set(CONNECTION, connection);
    }
  }

  /** The Connection header of a response, or null for none: HTTP/1.1 keeps alive by default. */
  private static String connection(HttpRequest request, boolean keepAlive) {
    if (!keepAlive) {
      return HttpHeaderValues.CLOSE.toString();
    }
    return request.protocolVersion().minorVersion() == 0
        ? HttpHeaderValues.KEEP_ALIVE.toString()
        : null;
  }

  private static void setValidators(
      HttpResponse response, String etag, long mtime, String cacheControl) {
    HttpHeaders out = response.headers();
    out.set(LAST_MODIFIED, HttpDates.format(mtime));
    out.set(ETAG, etag);
    out.set(CACHE_CONTROL, cacheControl);
  }

  private void cork(ChannelHandlerContext ctx, boolean on) {
    if (corked != on && ctx.channel() instanceof EpollSocketChannel epoll && epoll.isActive()) {
      try {
        epoll.config().setTcpCork(on);
        corked = on;
      } catch (RuntimeException e) {
        log.debug("cannot set TCP_CORK: {}", e.toString());
      }
    }
  }

  private static HttpResponseStatus statusOf(Throwable decoderFailure) {
    if (decoderFailure instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (decoderFailure instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  private static String remoteIp(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }
}
