package org.repomirror.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.repomirror.run.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 connections to one host that each carry several requests in flight, answered in order
 * (pipelining, as apt does), so that small files do not cost a round trip each. Apache HttpClient's
 * async client writes the requests and parses the answers; this class spreads the requests over the
 * connections and watches for an upstream that breaks pipelining.
 *
 * <p>A connection the upstream closes politely (its last answer said {@code Connection: close}, as
 * nginx's {@code keepalive_requests} does) takes no more requests, and those it had not answered go
 * out again on another. One that closes with requests unanswered and no such word, twice, or one
 * answer that was not its file's bytes, turns pipelining off for the host: each connection then
 * carries one request at a time, and {@link #warnings} says why. Thread-safe.
 */
final class PipelinedConnections implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelinedConnections.class);

  /** Early closes after which the host is taken to break pipelining, not to have had a glitch. */
  private static final int EARLY_CLOSES_TOLERATED = 1;

  /** How often a request whose connection closed before answering it goes out again at once. */
  private static final int RESENDS = 10;

  /** Reads an answer's head and body, on the thread that asked. */
  @FunctionalInterface
  interface Handler<T> {
    T handle(HttpResponse head, InputStream body) throws IOException;
  }

  private final HttpHost host;
  private final int connections;
  private final Duration connectTimeout;
  private final MinimalHttpAsyncClient client;
  private final List<Connection> open = new ArrayList<>(); // guarded by this
  private final List<String> warnings = new ArrayList<>(); // guarded by this
  private int depth; // guarded by this
  private long stops; // guarded by this: how often stop() broke off the requests in flight
  private int earlyCloses; // guarded by this

  /**
   * @param depth requests in flight on each connection; 1 turns pipelining off
   */
  PipelinedConnections(URI base, int connections, int depth, Duration readTimeout, LazyTls tls) {
    this.host = new HttpHost(base.getScheme(), base.getHost(), base.getPort());
    this.connections = connections;
    this.depth = depth;
    this.connectTimeout = Duration.ofSeconds(15);
    this.client =
        HttpAsyncClients.createMinimal(
            H2Config.DEFAULT,
            Http1Config.custom().setBufferSize(256 * 1024).build(),
            IOReactorConfig.custom()
                .setIoThreadCount(Math.min(connections, Runtime.getRuntime().availableProcessors()))
                .build(),
            PoolingAsyncClientConnectionManagerBuilder.create()
                // Retiring connections still count until they close: room for a second set.
                .setMaxConnTotal(2 * connections)
                .setMaxConnPerRoute(2 * connections)
                .setTlsStrategy(tls)
                .setDefaultTlsConfig(
                    TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                .setDefaultConnectionConfig(
                    ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(readTimeout))
                        .build())
                .build());
    client.start();
  }

  /** Why pipelining was turned off, each said once; empty while it is on. */
  synchronized List<String> warnings() {
    List<String> said = List.copyOf(warnings);
    warnings.clear();
    return said;
  }

  private synchronized long stops() {
    return stops;
  }

  /**
   * Sends a request on the connection with the fewest in flight, and hands its answer to {@code
   * handler} on this thread once the answers before it were read. A request that its connection
   * closed before answering goes out again on another, at once.
   *
   * @param url names the request in errors
   * @throws IOException the handler's, or why no answer came (a failed connect, a closed
   *     connection, a timeout), unclassified
   */
  <T> T exchange(String url, HttpRequestFactory request, Handler<T> handler) throws IOException {
    long stopsBefore = stops();
    for (int sent = 1; ; sent++) {
      Connection c = acquire();
      StreamedResponse response = new StreamedResponse(head -> answered(c, head));
      try {
        try {
          c.endpoint()
              .execute(
                  new BasicRequestProducer(request.create(), null),
                  response,
                  null,
                  response.outcome());
        } catch (IllegalStateException e) {
          // The connection closed, or was released, between choosing it and sending.
          response.failed(new ConnectionClosedException("connection closed before sending", e));
        }
        HttpResponse head;
        try {
          head = response.head();
        } catch (IOException e) {
          if (!closedUnder(e) || sent >= RESENDS || stops() != stopsBefore) throw e;
          log.debug("{}: its connection closed before answering; sending it again", url);
          continue;
        }
        try {
          return handler.handle(head, response.body());
        } finally {
          if (!response.ended() && response.failure() == null && !drained(response)) breakOff(c);
        }
      } catch (IOException | RuntimeException e) {
        if (!response.ended() && response.failure() == null) breakOff(c); // left unread, not broken
        throw e;
      } finally {
        release(c, response);
      }
    }
  }

  /** Builds a request afresh for each send: one sent is not sent again. */
  @FunctionalInterface
  interface HttpRequestFactory {
    HttpRequest create();
  }

  /**
   * Reads off what the handler left of a small body (an error page), so that the answers behind it
   * come.
   *
   * @return false when it is large, or broke: the connection must be broken off
   */
  private static boolean drained(StreamedResponse response) {
    int limit = 64 * 1024;
    try {
      InputStream rest = response.body();
      return rest.readNBytes(limit).length < limit || rest.read() < 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Closes a connection whose answer will not be read to its end; the requests behind it fail and
   * go out again on another.
   */
  private void breakOff(Connection c) {
    synchronized (this) {
      c.retiring = true;
    }
    c.close();
  }

  /**
   * Breaks off every request in flight, from any thread; they fail rather than go out again. Later
   * requests are made as usual.
   */
  void stop() {
    List<Connection> all;
    synchronized (this) {
      stops++;
      all = List.copyOf(open);
      all.forEach(c -> c.retiring = true);
    }
    all.forEach(Connection::close);
  }

  /** Notes an answer; one that says the connection closes after it retires the connection. */
  private synchronized void answered(Connection c, HttpResponse head) {
    c.answers++;
    var connection = head.getFirstHeader("Connection");
    if (connection != null && "close".equalsIgnoreCase(connection.getValue().strip())) {
      c.saidClose = true;
      c.retiring = true;
    }
  }

  /** The connection to send on: the least loaded, a new one while fewer than allowed are open. */
  private synchronized Connection acquire() throws IOException {
    long deadline = Ticker.SYSTEM.nanos() + TimeUnit.MINUTES.toNanos(10);
    while (true) {
      open.removeIf(Connection::closedIdle);
      Connection best = null;
      int live = 0;
      for (Connection c : open) {
        if (c.retiring) continue;
        live++;
        if (best == null || c.inFlight < best.inFlight) best = c;
      }
      if (live < connections && (best == null || best.inFlight > 0)) {
        best = new Connection();
        open.add(best);
      }
      if (best != null && best.inFlight < depth) {
        best.inFlight++;
        return best;
      }
      long left = deadline - Ticker.SYSTEM.nanos();
      if (left <= 0) throw new IOException("no connection to " + host + " came free in 10 min");
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a connection");
      }
    }
  }

  private synchronized void release(Connection c, StreamedResponse response) {
    c.inFlight--;
    if (!c.saidClose && !c.retiring && c.answers > 0 && brokeOff(response, c)) earlyClose(c);
    if (!response.ended() || !c.connected()) c.retiring = true;
    if (c.retiring && c.inFlight == 0) {
      c.close();
      open.remove(c);
    }
    notifyAll();
  }

  /**
   * True when the upstream ended the connection under a request that was in a pipeline: before
   * answering it, or in the middle of its body with others waiting behind it.
   */
  private static boolean brokeOff(StreamedResponse response, Connection c) {
    return closedUnder(response.failure()) && (!response.answered() || c.inFlight > 0);
  }

  /**
   * True for the end of a connection, orderly or reset (a server that closes with requests unread
   * resets); not for a timeout, nor for a cancel.
   */
  private static boolean closedUnder(Throwable failure) {
    return failure instanceof ConnectionClosedException || failure instanceof SocketException;
  }

  /** A connection that closed with requests unanswered, without saying it would. */
  private void earlyClose(Connection c) {
    c.retiring = true;
    if (depth == 1) return;
    earlyCloses++;
    log.info(
        "{} closed a connection after {} answers with requests unanswered ({} of {} tolerated)",
        host,
        c.answers,
        earlyCloses,
        EARLY_CLOSES_TOLERATED);
    if (earlyCloses > EARLY_CLOSES_TOLERATED) {
      turnOff(
          "closed connections with requests unanswered "
              + earlyCloses
              + " times, without saying it would");
    }
  }

  /**
   * Hears that an answer sent through a pipeline was not its file's bytes, while the same file
   * fetched on a request of its own was: the upstream answered out of order.
   */
  synchronized void misanswered(String url) {
    if (depth > 1) turnOff("answered a pipelined request with another file's bytes (" + url + ")");
  }

  private void turnOff(String why) {
    depth = 1;
    String warning =
        host + " " + why + ": pipelining turned off for it; one request per connection from now on";
    log.warn(warning);
    warnings.add(warning);
    notifyAll();
  }

  /**
   * Shuts the client's I/O threads down, then closes it: closed at once from this thread, a reactor
   * still iterating its selected keys throws a ConcurrentModificationException, logged at ERROR
   * (seen once in the demo).
   */
  @Override
  public void close() {
    client.initiateShutdown();
    try {
      client.awaitShutdown(TimeValue.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close(CloseMode.IMMEDIATE);
  }

  /** One leased connection and the requests in flight on it. */
  private final class Connection {
    private volatile AsyncClientEndpoint endpoint; // leased by the first sender
    int inFlight; // this and the rest guarded by the outer instance
    boolean retiring; // takes no more requests
    int answers;
    boolean saidClose;

    synchronized AsyncClientEndpoint endpoint() throws IOException {
      if (endpoint == null) {
        Future<AsyncClientEndpoint> lease = client.lease(host, null);
        try {
          endpoint = lease.get(connectTimeout.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
          lease.cancel(true);
          throw new SocketTimeoutException("connect timed out");
        } catch (InterruptedException e) {
          lease.cancel(true);
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while connecting");
        }
      }
      return endpoint;
    }

    boolean connected() {
      AsyncClientEndpoint e = endpoint;
      return e != null && e.isConnected();
    }

    /** Idle, and closed by the upstream since (its keep-alive timeout): dropped. */
    boolean closedIdle() {
      if (inFlight > 0 || endpoint == null || endpoint.isConnected()) return false;
      close();
      return true;
    }

    void close() {
      AsyncClientEndpoint e = endpoint;
      if (e != null) e.releaseAndDiscard();
    }
  }
}
