package org.repomirror.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.util.Timeout;

/**
 * An upstream reached over HTTP(S) with Apache HttpClient. Requests go over HTTP/1.1 keep-alive
 * connections that each carry several in flight ({@link PipelinedConnections}), or one at a time
 * once the host was found to break pipelining, or as the streams of one HTTP/2 connection to an
 * upstream that speaks it. Redirected requests and downloads that must go alone take the blocking
 * client, which follows redirects (a loop ends as FATAL). Neither decodes content nor retries on
 * its own: the transfer decides. Thread-safe.
 */
public final class HttpUpstream implements Upstream, AutoCloseable {
  private static final String USER_AGENT = "repomirror/0.1";
  private static final int BUFFER_SIZE = 256 * 1024;

  /** One buffer per transfer thread: most files are small, and zeroing 256 KiB each adds up. */
  private static final ThreadLocal<byte[]> BUFFERS =
      ThreadLocal.withInitial(() -> new byte[BUFFER_SIZE]);

  private final URI base;
  private final Clock clock;
  private final LazyTls tls;
  private final int connections;
  private final Duration readTimeout;
  private CloseableHttpClient client; // guarded by this
  private final Set<HttpGet> underWay = ConcurrentHashMap.newKeySet();
  private final HttpHost host;
  private final int pipelineDepth;
  private final PipelinedConnections pipelines; // null when downloads go one at a time

  /**
   * The most requests in flight on each connection: a transfer keeps 10, as apt does, and up to
   * this many once its files prove small ({@code Transfer.STARTING_DEPTH}).
   */
  public static final int DEFAULT_PIPELINE_DEPTH = 32;

  /**
   * @param base the upstream root, e.g. {@code http://repository.maemo.org/}
   * @param readTimeout how long a response may stall before it counts as failed
   * @param connections connections kept to the upstream
   */
  public HttpUpstream(URI base, Duration readTimeout, int connections) {
    this(base, readTimeout, connections, DEFAULT_PIPELINE_DEPTH, Http2Use.AUTO, Clock.systemUTC());
  }

  /**
   * @param pipelineDepth requests in flight on each connection for downloads; 1 sends one at a time
   *     (and over HTTP/2 only when it is {@link Http2Use#ON})
   * @param http2 when requests go as the streams of one HTTP/2 connection instead
   * @param clock tells how far off a Retry-After date is
   */
  public HttpUpstream(
      URI base,
      Duration readTimeout,
      int connections,
      int pipelineDepth,
      Http2Use http2,
      Clock clock) {
    this.clock = clock;
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.host = new HttpHost(this.base.getScheme(), this.base.getHost(), this.base.getPort());
    this.pipelineDepth = pipelineDepth;
    this.tls = new LazyTls();
    this.pipelines =
        pipelineDepth > 1 || http2 == Http2Use.ON
            ? new PipelinedConnections(
                this.base, connections, pipelineDepth, readTimeout, tls, http2)
            : null;
    this.connections = connections;
    this.readTimeout = readTimeout;
  }

  /**
   * The blocking client, built at the first request that needs it: a sync whose requests all go
   * pipelined (a no-change run's Release files) never pays for building it.
   */
  private synchronized CloseableHttpClient client() {
    if (client == null) client = blockingClient();
    return client;
  }

  private CloseableHttpClient blockingClient() {
    return HttpClients.custom()
        .setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(tls)
                // Large socket buffers: 8 KiB reads would cost a syscall per 8 KiB of a file.
                .setConnectionFactory(
                    ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setBufferSize(BUFFER_SIZE).build())
                        .build())
                .setMaxConnTotal(connections)
                .setMaxConnPerRoute(connections)
                .setDefaultConnectionConfig(
                    ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofSeconds(15))
                        .setSocketTimeout(Timeout.ofMilliseconds(readTimeout.toMillis()))
                        .build())
                .build())
        .setDefaultRequestConfig(
            RequestConfig.custom().setMaxRedirects(10).setCircularRedirectsAllowed(false).build())
        .disableContentCompression()
        .disableAutomaticRetries()
        // apt keeps no cookies either; their public suffix list costs 25 ms at every start.
        .disableCookieManagement()
        .setUserAgent(USER_AGENT)
        .evictIdleConnections(Timeout.of(30, TimeUnit.SECONDS))
        .build();
  }

  @Override
  public String url(String path) {
    return base.resolve(encodePath(path)).toString();
  }

  @Override
  public Conditional fetch(String path, UpstreamValidators previous, int maxBytes)
      throws IOException {
    return fetch(path, previous, maxBytes, null);
  }

  @Override
  public Conditional fetch(
      String path, UpstreamValidators previous, int maxBytes, Arrivals arrivals)
      throws IOException {
    Conditional pipelined =
        pipelined(
            path,
            () -> ContentEncodings.askedFor(conditions(request(path), previous), path),
            (head, body) -> fetched(path, head, body, maxBytes, arrivals));
    if (pipelined != null) return pipelined;
    return execute(
        path,
        ContentEncodings.askedFor(conditions(new HttpGet(url(path)), previous), path),
        response -> fetched(path, response, body(response), maxBytes, arrivals));
  }

  /** Asks for the file only if it changed since the validators were taken. */
  private static <R extends HttpRequest> R conditions(R get, UpstreamValidators previous) {
    if (previous != null) {
      if (previous.etag() != null) get.addHeader("If-None-Match", previous.etag());
      if (previous.lastModified() != null) {
        get.addHeader("If-Modified-Since", previous.lastModified());
      }
    }
    return get;
  }

  private Conditional fetched(
      String path, HttpResponse response, InputStream body, int maxBytes, Arrivals arrivals)
      throws IOException {
    int status = response.getCode();
    if (status == 304) {
      return new NotModified();
    }
    HttpAnswers.requireStatus(url(path), response, 200, clock);
    byte[] bytes;
    try (body;
        InputStream decoded = ContentEncodings.decoded(url(path), response, body, maxBytes)) {
      bytes =
          arrivals == null ? decoded.readNBytes(maxBytes + 1) : told(decoded, maxBytes, arrivals);
    }
    if (bytes.length > maxBytes) {
      throw new FetchException(
          FetchException.Kind.FATAL,
          url(path),
          status,
          "larger than " + maxBytes + " bytes",
          0,
          null);
    }
    return new Body(bytes, HttpAnswers.validators(response), HttpAnswers.lastModified(response));
  }

  /** Reads a body, up to one byte past the limit, telling arrivals of each part as it comes. */
  private static byte[] told(InputStream body, int maxBytes, Arrivals arrivals) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = BUFFERS.get();
    for (int r; all.size() <= maxBytes && (r = body.read(buffer)) > 0; ) {
      all.write(buffer, 0, r);
      arrivals.arrived(buffer, 0, r);
    }
    return all.toByteArray();
  }

  @Override
  public Download download(String path, long offset, String ifRange, BodySink sink)
      throws IOException {
    Download pipelined =
        pipelined(
            path,
            () -> ranged(request(path), offset, ifRange),
            (head, body) -> received(path, offset, head, body, sink));
    return pipelined != null ? pipelined : downloadAlone(path, offset, ifRange, sink);
  }

  /**
   * An exchange on the pipelined connections.
   *
   * @return null when there are none, or the answer is a redirect: the blocking client follows it,
   *     to whichever host it names
   */
  private <T> T pipelined(
      String path,
      PipelinedConnections.HttpRequestFactory request,
      PipelinedConnections.Handler<T> handler)
      throws IOException {
    if (pipelines == null) return null;
    try {
      return pipelines.exchange(
          url(path),
          request,
          (head, body) ->
              HttpAnswers.isRedirect(head.getCode()) ? null : handler.handle(head, body));
    } catch (FetchException | LocalWriteException e) {
      throw e;
    } catch (IOException e) {
      throw new FetchException(
          FetchException.Kind.TRANSIENT, url(path), 0, HttpAnswers.describe(e), 0, e);
    }
  }

  @Override
  public Download downloadAlone(String path, long offset, String ifRange, BodySink sink)
      throws IOException {
    return execute(
        path,
        ranged(new HttpGet(url(path)), offset, ifRange),
        response -> received(path, offset, response, body(response), sink));
  }

  @Override
  public void misanswered(String path) {
    if (pipelines != null) pipelines.misanswered(url(path));
  }

  @Override
  public List<String> warnings() {
    return pipelines == null ? List.of() : pipelines.warnings();
  }

  /** A GET of a path for the pipelined connections. */
  private HttpRequest request(String path) {
    BasicHttpRequest get = new BasicHttpRequest("GET", host, base.getRawPath() + encodePath(path));
    get.addHeader("User-Agent", USER_AGENT);
    return get;
  }

  /** Asks for the rest of a file from an offset, if it is still the file whose bytes are held. */
  private static <R extends HttpRequest> R ranged(R get, long offset, String ifRange) {
    if (offset > 0) {
      get.addHeader("Range", "bytes=" + offset + "-");
      if (ifRange != null) get.addHeader("If-Range", ifRange);
    }
    return get;
  }

  /**
   * Streams an answer's body into the sink, from where the held bytes end when it continues them.
   */
  private Download received(
      String path, long offset, HttpResponse response, InputStream body, BodySink sink)
      throws IOException {
    int status = response.getCode();
    boolean restarted;
    if (offset > 0 && status == 206) {
      restarted = false;
      String range = HttpAnswers.header(response, "Content-Range");
      if (range == null || !range.startsWith("bytes " + offset + "-")) {
        throw new FetchException(
            FetchException.Kind.TRANSIENT,
            url(path),
            status,
            "unexpected Content-Range '" + range + "'",
            0,
            null);
      }
    } else if (offset > 0 && status == 416) {
      // Nothing left to send: the held bytes may already be the whole file; the hash decides.
      return new Download(
          false, 0, HttpAnswers.validators(response), HttpAnswers.lastModified(response));
    } else {
      HttpAnswers.requireStatus(url(path), response, 200, clock);
      restarted = offset > 0;
    }
    long n = 0;
    try (body;
        OutputStream out = sink.open(restarted || offset == 0)) {
      byte[] buffer = BUFFERS.get();
      for (int r; (r = body.read(buffer)) > 0; ) {
        out.write(buffer, 0, r);
        n += r;
      }
    } catch (FetchException | LocalWriteException e) {
      throw e;
    } catch (IOException e) {
      // A reset, a stall or a body shorter than its Content-Length.
      throw new FetchException(
          FetchException.Kind.TRANSIENT,
          url(path),
          status,
          "body broke off after " + n + " bytes: " + HttpAnswers.describe(e),
          0,
          HttpAnswers.validators(response),
          e);
    }
    return new Download(
        restarted, n, HttpAnswers.validators(response), HttpAnswers.lastModified(response));
  }

  @FunctionalInterface
  private interface Handler<T> {
    T handle(ClassicHttpResponse response) throws IOException;
  }

  private <T> T execute(String path, HttpGet get, Handler<T> handler) throws IOException {
    underWay.add(get);
    try {
      return client().execute(get, handler::handle);
    } catch (FetchException | LocalWriteException e) {
      throw e;
    } catch (ClientProtocolException e) {
      throw new FetchException(
          FetchException.Kind.FATAL, url(path), 0, HttpAnswers.describe(e), 0, e);
    } catch (IOException e) {
      throw new FetchException(
          FetchException.Kind.TRANSIENT, url(path), 0, HttpAnswers.describe(e), 0, e);
    } finally {
      underWay.remove(get);
    }
  }

  @Override
  public void stop() {
    underWay.forEach(HttpGet::cancel);
    if (pipelines != null) pipelines.stop();
  }

  private static InputStream body(ClassicHttpResponse response) throws IOException {
    HttpEntity entity = response.getEntity();
    return entity == null ? InputStream.nullInputStream() : entity.getContent();
  }

  /** Percent-encodes what a URL path cannot carry raw; keeps {@code /} and Debian's {@code +~}. */
  static String encodePath(String path) {
    int raw = 0;
    while (raw < path.length() && carriedRaw(path.charAt(raw))) raw++;
    if (raw == path.length()) return path;
    StringBuilder out = new StringBuilder(path.length() + 8);
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (carriedRaw(c)) {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static boolean carriedRaw(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~/@!$&'()*+,;=".indexOf(c) >= 0;
  }

  @Override
  public int depth() {
    return pipelines != null ? pipelines.deepest() : pipelineDepth;
  }

  @Override
  public void keepInFlight(int perConnection) {
    if (pipelines != null) pipelines.keepInFlight(perConnection);
  }

  /**
   * Starts connecting the two connections a sync's Release files go over (the InRelease, then the
   * Release and its signature together), without waiting: a round trip each saved from a sync's
   * start, over a link. A sync calls it before opening its index; an upstream that is down fails
   * the first request, as it would have.
   */
  public void connectAhead() {
    if (pipelines != null) pipelines.connectAhead(2);
  }

  @Override
  public List<TransportUse> transportUse() {
    return pipelines == null ? List.of() : pipelines.use();
  }

  @Override
  public void close() {
    if (pipelines != null) pipelines.close();
    CloseableHttpClient built;
    synchronized (this) {
      built = client;
    }
    if (built == null) return;
    try {
      built.close();
    } catch (IOException e) {
      // closing idle connections; nothing to save
    }
  }
}
