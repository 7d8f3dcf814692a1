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
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
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
 * carries one request at a time, and {@link #warnings} says why.
 *
 * <p>An upstream that speaks HTTP/2 (another repomirror, whose answers say so in their {@code
 * Server} header) gets every request as a stream of one connection instead, as many at once as the
 * pipelines would carry. One whose connection fails before its first answer does not speak it:
 * HTTP/1.1 again, said in {@link #warnings}. Thread-safe.
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

  /** What the Server header of a repomirror's answers starts with. */
  private static final String REPOMIRROR = "repomirror";

  /** Streams a repomirror lets a client have open at once on one connection. */
  static final int MAX_STREAMS = 100;

  private final HttpHost host;
  private final int connections;
  private final Duration connectTimeout;
  private final AsyncClients clients;
  private final Http2Use http2;
  private final List<Connection> open = new ArrayList<>(); // guarded by this
  private final List<String> warnings = new ArrayList<>(); // guarded by this
  private final Use h1use = new Use("HTTP/1.1"); // guarded by this
  private final Use h2use = new Use("HTTP/2"); // guarded by this
  private final int pipelineDepth; // the most in flight on a connection, as made
  private int depth; // guarded by this
  private boolean turnedOff; // guarded by this
  private boolean h2; // guarded by this: new connections speak HTTP/2
  private long stops; // guarded by this: how often stop() broke off the requests in flight
  private int earlyCloses; // guarded by this

  /**
   * @param depth requests in flight on each connection; 1 turns pipelining off
   * @param http2 when the requests go as streams of one HTTP/2 connection instead
   */
  PipelinedConnections(
      URI base, int connections, int depth, Duration readTimeout, LazyTls tls, Http2Use http2) {
    this.host = new HttpHost(base.getScheme(), base.getHost(), base.getPort());
    this.connections = connections;
    this.pipelineDepth = depth;
    this.depth = depth;
    this.connectTimeout = Duration.ofSeconds(15);
    this.clients = new AsyncClients(connections, connectTimeout, readTimeout, tls);
    this.http2 = http2;
    this.h2 = http2 == Http2Use.ON;
  }

  /** How the requests went, by protocol: those that answered any. */
  synchronized List<TransportUse> use() {
    List<TransportUse> used = new ArrayList<>();
    for (Use u : List.of(h1use, h2use)) {
      if (u.requests > 0) {
        used.add(new TransportUse(u.protocol, u.connections, u.requests, u.mostAtOnce));
      }
    }
    return used;
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
        } catch (IOException e) {
          if (!c.h2) throw e;
          response.failed(e); // the connect failed: no HTTP/2 there, perhaps
        }
        HttpResponse head;
        try {
          head = response.head();
        } catch (IOException e) {
          if (sent < RESENDS && stops() == stopsBefore && refusedHttp2(c, e)) continue;
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

  /**
   * True when a request failed on an HTTP/2 connection that has answered nothing, when HTTP/2 was
   * chosen for the upstream rather than asked for: it does not speak it, and the request goes out
   * again over HTTP/1.1.
   */
  private synchronized boolean refusedHttp2(Connection c, IOException e) {
    if (!c.h2 || c.answers > 0 || http2 != Http2Use.AUTO) return false;
    c.retiring = true;
    if (h2) {
      h2 = false;
      String warning =
          host + " did not take HTTP/2 (" + HttpAnswers.describe(e) + "): HTTP/1.1 from now on";
      log.warn(warning);
      warnings.add(warning);
      notifyAll();
    }
    return true;
  }

  /**
   * Notes an answer; one that says the connection closes after it retires the connection. A
   * repomirror's first answer turns HTTP/2 on, when it is chosen by the upstream.
   */
  private synchronized void answered(Connection c, HttpResponse head) {
    if (!h2 && !c.h2 && http2 == Http2Use.AUTO && h2use.connections == 0) {
      var server = head.getFirstHeader("Server");
      if (server != null && server.getValue().startsWith(REPOMIRROR)) {
        log.debug("{} is a repomirror: HTTP/2 from the next request on", host);
        h2 = true;
      }
    }
    c.answers++;
    (c.h2 ? h2use : h1use).requests++;
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
        if (c.retiring || c.h2 != h2) continue;
        live++;
        if (best == null || c.inFlight < best.inFlight) best = c;
      }
      if (live < (h2 ? 1 : connections) && (best == null || best.inFlight > 0)) {
        best = new Connection(h2, null);
        open.add(best);
      }
      // Over HTTP/2, one connection carries what the pipelines would.
      int most = h2 ? Math.min(MAX_STREAMS, connections * depth) : depth;
      if (best != null && best.inFlight < most) {
        best.inFlight++;
        Use use = best.h2 ? h2use : h1use;
        if (!best.used) {
          best.used = true;
          use.connections++;
        }
        use.mostAtOnce = Math.max(use.mostAtOnce, best.inFlight);
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

  /**
   * Starts connecting up to {@code n} connections ahead of the first request, without waiting:
   * their connects overlap the rest of a sync's start (the index's opening), and the Release files'
   * requests find them open. A connect that fails fails the request that takes its connection, as
   * it would have failed then.
   */
  synchronized void connectAhead(int n) {
    int wanted = Math.min(n, h2 ? 1 : connections);
    while (open.size() < wanted) {
      open.add(new Connection(h2, clients.of(h2).lease(host, null)));
    }
  }

  private synchronized void release(Connection c, StreamedResponse response) {
    c.inFlight--;
    if (c.h2 != h2) c.retiring = true; // of the protocol left behind
    if (!c.h2 && !c.saidClose && !c.retiring && c.answers > 0 && brokeOff(response, c)) {
      earlyClose(c);
    }
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

  /**
   * The most requests in flight on each connection: the depth it was made with, or over HTTP/2,
   * where one connection carries them all, the share of the streams it allows.
   */
  synchronized int deepest() {
    return h2 ? Math.min(pipelineDepth, Math.max(1, MAX_STREAMS / connections)) : pipelineDepth;
  }

  /** Holds each connection to this many requests in flight, at most the depth it was made with. */
  synchronized void keepInFlight(int perConnection) {
    if (turnedOff) return;
    depth = Math.max(1, Math.min(perConnection, pipelineDepth));
    notifyAll();
  }

  private void turnOff(String why) {
    turnedOff = true;
    depth = 1;
    String warning =
        host + " " + why + ": pipelining turned off for it; one request per connection from now on";
    log.warn(warning);
    warnings.add(warning);
    notifyAll();
  }

  /** Shuts both clients down. */
  @Override
  public void close() {
    clients.close();
  }

  /** What went over one protocol. */
  private static final class Use {
    final String protocol;
    int connections;
    long requests;
    int mostAtOnce;

    Use(String protocol) {
      this.protocol = protocol;
    }
  }

  /** One leased connection and the requests in flight on it. */
  private final class Connection {
    final boolean h2; // HTTP/2: its requests are streams, answered in any order
    private volatile AsyncClientEndpoint endpoint; // leased by the first sender
    private Future<AsyncClientEndpoint> lease; // guarded by this; null until connecting
    int inFlight; // this and the rest guarded by the outer instance
    boolean used; // has carried a request
    boolean retiring; // takes no more requests
    int answers;
    boolean saidClose;

    /**
     * @param lease its connect, when begun ahead; null to begin it at the first request
     */
    Connection(boolean h2, Future<AsyncClientEndpoint> lease) {
      this.h2 = h2;
      this.lease = lease;
    }

    synchronized AsyncClientEndpoint endpoint() throws IOException {
      if (endpoint == null) {
        if (lease == null) lease = clients.of(h2).lease(host, null);
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
