package org.repomirror.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP upstream on loopback that serves a folder like a plain web server (Last-Modified,
 * ETag, 304, single ranges, nginx-style directory listings) and can be scripted to misbehave per
 * path: 404, 403, 503 with Retry-After, a connection reset partway, a truncated body, corrupted
 * bytes. Thread-safe.
 */
public final class ScriptedUpstream implements AutoCloseable {
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  /** A way to misbehave; each applies to the next {@code times} requests for its path. */
  public enum Fault {
    NOT_FOUND,
    UNAVAILABLE,
    /** Half the body, then a TCP reset (RST): the client's read fails with an error. */
    RESET_HALFWAY,
    /** Half the body, then an orderly close (FIN): the client reads an early end of stream. */
    TRUNCATED,
    CORRUPT,
    /** 302 to the same path with {@code ?moved}, which is then served. */
    REDIRECT,
    /** 302 to itself, forever. */
    REDIRECT_LOOP,
    /** 500 Internal Server Error. */
    SERVER_ERROR,
    /** Headers, then nothing for 3 s: the client's read timeout must fire. */
    STALL,
    /** The whole body, 1 KiB at a time with pauses: slow, but complete. */
    TRICKLE,
    /** A Content-Length 100 bytes larger than the body, which then ends. */
    LONG_CONTENT_LENGTH,
    /** 403 Forbidden: a file the web server may not read. */
    FORBIDDEN,
    /**
     * A directory's page with {@code Content-Encoding: br}, which no request asks for: the body may
     * be anything, and a client must not read it as the page.
     */
    UNASKED_ENCODING,
    /** A directory's page with {@code Content-Encoding: gzip}, but its bytes plain HTML. */
    NOT_GZIP
  }

  /**
   * One request as received.
   *
   * @param receivedNanos when, by {@link System#nanoTime()}
   */
  public record Request(
      String method, String path, Map<String, List<String>> headers, long receivedNanos) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) return e.getValue().getFirst();
      }
      return null;
    }
  }

  private record Script(Fault fault, AtomicInteger remaining) {}

  private final Path root;
  private final HttpServer server;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Hook> hooks = new CopyOnWriteArrayList<>();
  private final AtomicInteger faultsServed = new AtomicInteger();
  private volatile String retryAfter = "0";
  private volatile long answerAfterMillis;
  private volatile String serverName;
  private final java.util.concurrent.atomic.AtomicLong bodyBytes =
      new java.util.concurrent.atomic.AtomicLong();

  public ScriptedUpstream(Path root) throws IOException {
    this.root = root;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Misbehaves on the next {@code times} requests for a path (relative, no leading slash). */
  public void fail(String path, Fault fault, int times) {
    scripts.put(path, new Script(fault, new AtomicInteger(times)));
  }

  /**
   * Runs an action once, before answering the first request whose path matches: to change the
   * upstream in the middle of a sync.
   */
  public void beforeFirst(java.util.function.Predicate<String> path, Runnable action) {
    hooks.add(new Hook(path, action, new java.util.concurrent.atomic.AtomicBoolean()));
  }

  /**
   * Holds the answer to the first request whose path matches until released, 60 s at most, having
   * counted {@code reached} down: to catch a sync in the middle of a download.
   */
  public void holdFirst(
      java.util.function.Predicate<String> path,
      java.util.concurrent.CountDownLatch reached,
      java.util.concurrent.CountDownLatch release) {
    beforeFirst(
        path,
        () -> {
          reached.countDown();
          try {
            release.await(60, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  private record Hook(
      java.util.function.Predicate<String> path,
      Runnable action,
      java.util.concurrent.atomic.AtomicBoolean done) {}

  /** What the UNAVAILABLE fault's Retry-After says: seconds, or an HTTP date. "0" by default. */
  /** Waits this long before every answer from now on, as an upstream a round trip away would. */
  public void answerAfter(long millis) {
    answerAfterMillis = millis;
  }

  /** The Server header of every answer from now on, as some web servers send one. */
  public void serverHeader(String value) {
    serverName = value;
  }

  public void retryAfter(String value) {
    retryAfter = value;
  }

  /** How many responses so far carried a scripted fault, as served (a redirect loop's each). */
  public int faultsServed() {
    return faultsServed.get();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public void clearRequests() {
    requests.clear();
  }

  /** The bytes of every response body sent so far (listings included), as counted on the wire. */
  public long bodyBytesSent() {
    return bodyBytes.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (serverName != null) ex.getResponseHeaders().set("Server", serverName);
      String path = decode(ex.getRequestURI().getRawPath().substring(1));
      requests.add(
          new Request(
              ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), System.nanoTime()));
      for (Hook h : hooks) {
        if (h.path().test(path) && h.done().compareAndSet(false, true)) h.action().run();
      }
      if (answerAfterMillis > 0) {
        try {
          Thread.sleep(answerAfterMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Fault fault = take(path);
      Path file = root.resolve(path).normalize();
      if (fault == Fault.FORBIDDEN) {
        ex.sendResponseHeaders(403, -1);
        return;
      }
      if ((fault == null || fault == Fault.UNASKED_ENCODING || fault == Fault.NOT_GZIP)
          && file.startsWith(root)
          && (path.isEmpty() || path.endsWith("/"))
          && Files.isDirectory(file)) {
        byte[] page = DirectoryPage.of(root, file);
        ex.getResponseHeaders().set("Content-Type", "text/html");
        if (fault != null) {
          ex.getResponseHeaders().set("Content-Encoding", fault == Fault.NOT_GZIP ? "gzip" : "br");
        }
        ex.sendResponseHeaders(200, page.length);
        ex.getResponseBody().write(page);
        bodyBytes.addAndGet(page.length);
        return;
      }
      if (fault == Fault.NOT_FOUND || !file.startsWith(root) || !Files.isRegularFile(file)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (fault == Fault.REDIRECT || fault == Fault.REDIRECT_LOOP) {
        String target = "/" + path + (fault == Fault.REDIRECT ? "?moved" : "");
        if (fault == Fault.REDIRECT_LOOP) {
          scripts.put(path, new Script(Fault.REDIRECT_LOOP, new AtomicInteger(1000)));
        }
        ex.getResponseHeaders().set("Location", target);
        ex.sendResponseHeaders(302, -1);
        return;
      }
      if (fault == Fault.SERVER_ERROR) {
        ex.sendResponseHeaders(500, -1);
        return;
      }
      if (fault == Fault.UNAVAILABLE) {
        ex.getResponseHeaders().set("Retry-After", retryAfter);
        ex.sendResponseHeaders(503, -1);
        return;
      }
      byte[] body = Files.readAllBytes(file);
      long mtime = Files.getLastModifiedTime(file).toMillis() / 1000;
      String lastModified = HTTP_DATE.format(Instant.ofEpochSecond(mtime));
      String etag = "\"" + Long.toHexString(mtime) + "-" + Long.toHexString(body.length) + "\"";
      ex.getResponseHeaders().set("Last-Modified", lastModified);
      ex.getResponseHeaders().set("ETag", etag);
      String inm = ex.getRequestHeaders().getFirst("If-None-Match");
      String ims = ex.getRequestHeaders().getFirst("If-Modified-Since");
      if ((inm != null && inm.equals(etag)) || (inm == null && lastModified.equals(ims))) {
        ex.sendResponseHeaders(304, -1);
        return;
      }
      int offset = 0;
      String range = ex.getRequestHeaders().getFirst("Range");
      String ifRange = ex.getRequestHeaders().getFirst("If-Range");
      if (range != null
          && range.startsWith("bytes=")
          && range.endsWith("-")
          && (ifRange == null || ifRange.equals(etag) || ifRange.equals(lastModified))) {
        offset = Integer.parseInt(range.substring(6, range.length() - 1));
        if (offset >= body.length) {
          ex.getResponseHeaders().set("Content-Range", "bytes */" + body.length);
          ex.sendResponseHeaders(416, -1);
          return;
        }
        ex.getResponseHeaders()
            .set("Content-Range", "bytes " + offset + "-" + (body.length - 1) + "/" + body.length);
      }
      byte[] out = java.util.Arrays.copyOfRange(body, offset, body.length);
      if (fault == Fault.CORRUPT && out.length > 0) {
        out[out.length / 2] ^= 0x5a;
      }
      ex.sendResponseHeaders(
          offset > 0 ? 206 : 200,
          fault == Fault.LONG_CONTENT_LENGTH ? out.length + 100 : out.length);
      OutputStream os = ex.getResponseBody();
      if (fault == Fault.STALL) {
        os.flush();
        Thread.sleep(3000);
        return;
      }
      if (fault == Fault.TRICKLE) {
        for (int i = 0; i < out.length; i += 1024) {
          os.write(out, i, Math.min(1024, out.length - i));
          bodyBytes.addAndGet(Math.min(1024, out.length - i));
          os.flush();
          Thread.sleep(5);
        }
        return;
      }
      if (fault == Fault.RESET_HALFWAY || fault == Fault.TRUNCATED) {
        os.write(out, 0, out.length / 2);
        os.flush();
        bodyBytes.addAndGet(out.length / 2);
        if (fault == Fault.RESET_HALFWAY) reset(ex);
        // Closing the exchange with bytes missing makes the server close the connection.
        return;
      }
      os.write(out);
      bodyBytes.addAndGet(out.length);
    } catch (IOException e) {
      // the client went away, or a scripted fault broke the exchange
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Resets the exchange's connection: closed with SO_LINGER 0, the kernel sends RST, not FIN. The
   * JDK's server keeps its channel private; the build opens the package to tests for this.
   */
  private static void reset(HttpExchange ex) throws IOException {
    try {
      Object impl = field(ex, "impl");
      Object connection = field(impl, "connection");
      SocketChannel channel = (SocketChannel) field(connection, "chan");
      channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      channel.close();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot reset the connection of the JDK's HTTP server", e);
    }
  }

  private static Object field(Object o, String name) throws ReflectiveOperationException {
    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
      } catch (NoSuchFieldException e) {
        // a superclass may declare it
      }
    }
    throw new NoSuchFieldException(o.getClass().getName() + "." + name);
  }

  private Fault take(String path) {
    Script s = scripts.get(path);
    if (s == null) return null;
    if (s.remaining().getAndDecrement() > 0) {
      faultsServed.incrementAndGet();
      return s.fault();
    }
    scripts.remove(path);
    return null;
  }

  private static String decode(String raw) {
    // Percent-decoding once; '+' stays '+', as in any path.
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
