package org.repomirror.server;

import static io.netty.handler.codec.http.HttpHeaderNames.ALLOW;
import static io.netty.handler.codec.http.HttpHeaderNames.CACHE_CONTROL;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE;
import static io.netty.handler.codec.http.HttpHeaderNames.HOST;
import static io.netty.handler.codec.http.HttpHeaderNames.LAST_MODIFIED;
import static io.netty.handler.codec.http.HttpHeaderNames.LOCATION;
import static io.netty.handler.codec.http.HttpHeaderNames.REFERER;
import static io.netty.handler.codec.http.HttpHeaderNames.TRANSFER_ENCODING;
import static io.netty.handler.codec.http.HttpHeaderNames.USER_AGENT;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.repomirror.http.CachePolicy;
import org.repomirror.http.ContentTypes;
import org.repomirror.http.DirectoryListing;
import org.repomirror.http.HttpDates;
import org.repomirror.http.RequestPath;
import org.repomirror.http.RequestRejected;
import org.repomirror.store.ServedTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers GET and HEAD from the served tree. Requests are answered strictly in order, one at a
 * time: while a response is in flight the connection reads nothing more, which bounds open files
 * and memory per connection (a file region counts as zero bytes against Netty's water marks).
 * Pipelined requests already decoded wait in a short queue. One instance per HTTP/1 connection, or
 * per HTTP/2 stream ({@link Http2Serving}), whose one request it answers the same way but with
 * every answer as HTTP objects, which the stream's codec turns into frames. Used on its event loop
 * only.
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

  private final Site site;
  private final ServedTree tree;
  private final CachePolicy cachePolicy;
  private final GenerationPinning pinning;
  private final GenerationPinning.Connection pins;
  private final ServerMetrics metrics;
  private final AccessLog accessLog;
  private final ConnectionGuard guard; // null on an HTTP/2 stream
  private final boolean tls;
  private final boolean http2;
  private final Cork cork = new Cork();
  private FileAnswer files;
  private final ArrayDeque<HttpRequest> queue = new ArrayDeque<>();

  /** A request whose answer the tree brought off the loop, and what it found; else null. */
  private HttpRequest fetchedFor;

  private ServedTree.Resolved fetched;

  /** The entries of the folder fetched for a listing; else null. */
  private List<ServedTree.Entry> fetchedEntries;

  private boolean responding;
  private boolean draining;
  private boolean stopped;

  /**
   * What every connection of a server shares: the tree, the small files in memory, the descriptors
   * held open, the caching headers and the generations clients are pinned to.
   *
   * @param fetching where what the tree must bring from the network is brought, off the event
   *     loops; null for a tree on disk
   */
  record Site(
      ServedTree tree,
      SmallFileCache smallFiles,
      OpenFiles openFiles,
      ResponseHeads heads,
      CachePolicy cachePolicy,
      GenerationPinning pinning,
      ServerMetrics metrics,
      AccessLog accessLog,
      Executor fetching) {}

  /** The handler of an HTTP/1 connection. */
  FileHandler(Site site, ConnectionGuard guard, boolean tls, boolean draining) {
    this(site, guard, tls, draining, new GenerationPinning.Connection(), false);
  }

  /**
   * The handler of one HTTP/2 stream.
   *
   * @param pins the pins of the stream's connection, which all its streams share
   */
  static FileHandler forStream(Site site, boolean draining, GenerationPinning.Connection pins) {
    return new FileHandler(site, null, false, draining, pins, true);
  }

  private FileHandler(
      Site site,
      ConnectionGuard guard,
      boolean tls,
      boolean draining,
      GenerationPinning.Connection pins,
      boolean http2) {
    this.site = site;
    this.tree = site.tree();
    this.cachePolicy = site.cachePolicy();
    this.pinning = site.pinning();
    this.metrics = site.metrics();
    this.accessLog = site.accessLog();
    this.guard = guard;
    this.tls = tls;
    this.draining = draining;
    this.pins = pins;
    this.http2 = http2;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (http2) {
      // Neither pre-encoded heads nor file regions: the stream's codec frames every answer.
      files =
          new FileAnswer(
              cachePolicy,
              new InlineBody(site.smallFiles(), site.heads(), null),
              new ChunkedBody());
      return;
    }
    // Writes from the encoder's context go straight to the socket: the pre-encoded answers.
    ChannelHandlerContext encoder = ctx.pipeline().context(HttpResponseEncoder.class);
    if (encoder == null) {
      throw new IllegalStateException("FileHandler needs an HttpResponseEncoder before it");
    }
    files =
        new FileAnswer(
            cachePolicy,
            tls ? null : new InlineBody(site.smallFiles(), site.heads(), encoder),
            tls ? new ChunkedBody() : new RegionBody(cork, site.openFiles()));
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
      if (guard != null) guard.requestHeadReceived();
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
      if (mustFetch(queue.peek())) {
        fetch(ctx, queue.peek());
        return;
      }
      HttpRequest request = queue.poll();
      responding = true;
      busy(true);
      long start = System.currentTimeMillis();
      Exchange.Reply reply;
      ChannelFuture sent;
      try {
        Exchange.Outcome outcome = answer(ctx, request, start);
        reply = outcome.reply();
        sent = outcome.sent();
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

  /**
   * Whether answering a request may wait on the network: the tree has not got it at hand, or it is
   * a listing, or it is under a suite's dists folder, where pinning may ask for an older generation
   * than the one at hand.
   */
  private boolean mustFetch(HttpRequest request) {
    if (site.fetching() == null || request == fetchedFor) return false;
    RequestPath path = requestPath(request);
    if (path == null) return false;
    String rel = path.relative();
    return path.trailingSlash()
        || rel.startsWith("dists/")
        || rel.contains("/dists/")
        || !tree.ready(rel);
  }

  /**
   * Has the tree bring what a request names off the event loop, pinning included; the request stays
   * first in the queue and is answered, on the loop, once it is here. Nothing else of the
   * connection runs meanwhile.
   */
  private void fetch(ChannelHandlerContext ctx, HttpRequest request) {
    responding = true;
    busy(true);
    RequestPath path = requestPath(request);
    java.net.InetAddress client = clientAddress(ctx);
    site.fetching()
        .execute(
            () -> {
              ServedTree.Resolved found = ServedTree.MISSING;
              List<ServedTree.Entry> entries = null;
              try {
                Optional<ServedTree.Resolved> pinned =
                    pinning.resolve(pins, client, request.headers(), path);
                found = pinned.isPresent() ? pinned.get() : tree.resolve(path.relative());
                if (found instanceof ServedTree.Directory dir && path.trailingSlash()) {
                  entries = tree.list(dir);
                }
              } catch (IOException | RuntimeException | Error e) {
                log.warn("failed to resolve {}: {}", path.relative(), e.toString());
                found = new ServedTree.Unavailable(e.toString());
              } finally {
                ServedTree.Resolved answer = found;
                List<ServedTree.Entry> listed = entries;
                ctx.executor()
                    .execute(
                        () -> {
                          fetchedFor = request;
                          fetched = answer;
                          fetchedEntries = listed;
                          responding = false;
                          busy(false);
                          serveNext(ctx);
                        });
              }
            });
  }

  /** Tells the connection's guard whether a response is under way; an HTTP/2 stream has none. */
  private void busy(boolean busy) {
    if (guard != null) guard.busy(busy);
  }

  private static RequestPath requestPath(HttpRequest request) {
    try {
      return RequestPath.parse(request.uri());
    } catch (RequestRejected e) {
      return null; // answered as such on the loop
    }
  }

  private void finished(ChannelHandlerContext ctx, Exchange.Reply reply, boolean success) {
    cork.set(ctx, false);
    responding = false;
    busy(false);
    metrics.requestAnswered(reply.status(), success ? reply.bodyBytes() : 0);
    if (accessLog != AccessLog.OFF) {
      HttpRequest r = reply.request();
      accessLog.log(
          new AccessLogEntry(
              remoteIp(ctx.channel().remoteAddress()),
              reply.startMillis(),
              r.method() + " " + r.uri() + " " + (http2 ? "HTTP/2.0" : r.protocolVersion()),
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

  /** Writes the whole response to one request; guard clauses first, the file last. */
  private Exchange.Outcome answer(ChannelHandlerContext ctx, HttpRequest request, long start) {
    Exchange x = Exchange.of(ctx, request, start, HttpUtil.isKeepAlive(request) && !draining);
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) return x.closing().error(statusOf(decoded.cause()));
    HttpVersion version = request.protocolVersion();
    if (version.majorVersion() != 1) {
      return x.closing().error(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED);
    }
    HttpHeaders headers = request.headers();
    if (headers.contains(TRANSFER_ENCODING) || HttpUtil.getContentLength(request, 0L) != 0) {
      // A GET or HEAD has no body; one that claims a body may be an attempt at smuggling.
      return x.closing().error(HttpResponseStatus.BAD_REQUEST);
    }
    if (version.minorVersion() >= 1 && !headers.contains(HOST)) {
      return x.closing().error(HttpResponseStatus.BAD_REQUEST);
    }
    if (!x.head() && !HttpMethod.GET.equals(request.method())) {
      HttpResponse response = x.text(HttpResponseStatus.METHOD_NOT_ALLOWED);
      response.headers().set(ALLOW, "GET, HEAD");
      return x.send(response, false);
    }
    RequestPath path;
    try {
      path = RequestPath.parse(request.uri());
    } catch (RequestRejected e) {
      log.debug("rejected {}: {}", request.uri(), e.getMessage());
      return x.error(HttpResponseStatus.valueOf(e.status()));
    }
    ServedTree.Resolved here = request == fetchedFor ? fetched : null;
    fetchedFor = null;
    fetched = null;
    Optional<ServedTree.Resolved> pinned =
        here != null ? Optional.empty() : pinning.resolve(pins, clientAddress(ctx), headers, path);
    return switch (pinned.isPresent()
        ? pinned.get()
        : here != null ? here : tree.resolve(path.relative())) {
      case ServedTree.RegularFile file when !path.trailingSlash() -> files.serve(x, path, file);
      case ServedTree.Directory dir when path.trailingSlash() -> serveListing(x, path, dir);
      case ServedTree.Directory dir -> redirectToDirectory(x);
      case ServedTree.Unavailable u -> x.error(HttpResponseStatus.SERVICE_UNAVAILABLE);
      default -> x.error(HttpResponseStatus.NOT_FOUND);
    };
  }

  private static java.net.InetAddress clientAddress(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  private Exchange.Outcome serveListing(Exchange x, RequestPath path, ServedTree.Directory dir) {
    byte[] html;
    List<ServedTree.Entry> listed = fetchedEntries;
    fetchedEntries = null;
    try {
      String shown = path.segments().isEmpty() ? "/" : "/" + path.relative() + "/";
      html = DirectoryListing.render(shown, listed != null ? listed : tree.list(dir));
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir.path(), e.toString());
      return x.error(
          tree.waitsOnNetwork()
              ? HttpResponseStatus.SERVICE_UNAVAILABLE
              : HttpResponseStatus.NOT_FOUND);
    }
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            x.head() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(html),
            Exchange.HEADERS,
            Exchange.TRAILERS);
    response.headers().set(CONTENT_TYPE, ContentTypes.HTML);
    response.headers().setInt(CONTENT_LENGTH, html.length);
    response.headers().set(LAST_MODIFIED, HttpDates.format(dir.mtimeSecond()));
    response.headers().set(CACHE_CONTROL, cachePolicy.cacheControl(path.segments(), true));
    x.setCommon(response);
    return x.send(response, x.head());
  }

  private static Exchange.Outcome redirectToDirectory(Exchange x) {
    String uri = x.request().uri();
    String location;
    try {
      String raw = RequestPath.rawPath(uri);
      int q = uri.indexOf('?');
      location = raw + "/" + (q >= 0 ? uri.substring(q) : "");
    } catch (RequestRejected e) {
      return x.error(HttpResponseStatus.BAD_REQUEST);
    }
    HttpResponse response = x.text(HttpResponseStatus.MOVED_PERMANENTLY);
    response.headers().set(LOCATION, location);
    return x.send(response, x.head());
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
