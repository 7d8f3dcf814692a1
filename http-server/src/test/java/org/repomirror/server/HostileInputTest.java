package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.config.AccessLogTarget;
import org.repomirror.testing.Reliability;
import org.slf4j.LoggerFactory;

/**
 * Every kind of hostile request, over real sockets, while a well-behaved client keeps downloading
 * and checking a file; afterwards the server's open file descriptors are back to their baseline.
 */
class HostileInputTest {
  private static final String FILE = "pool/main/h/hello/hello_1.0+b~1_all.deb";

  private static final int IDLE_CONNECTIONS = 3000;

  /** FileHandler's limit of decoded requests waiting for an answer on one connection. */
  private static final int MAX_QUEUED_REQUESTS = 128;

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;

  /**
   * A case: the raw request, the statuses that are right for it, and whether the server must close
   * the connection after answering. No case may be "closed without an answer": a server that drops
   * a request silently would pass any such check.
   */
  private record Case(String name, byte[] request, Set<Integer> allowed, boolean closes) {
    static Case kept(String name, String request, Integer... allowed) {
      return new Case(name, bytes(request), Set.of(allowed), false);
    }

    static Case closed(String name, String request, Integer... allowed) {
      return new Case(name, bytes(request), Set.of(allowed), true);
    }
  }

  /** What the server did with a request: its status (0: none) and whether it then closed. */
  private record Outcome(int status, boolean closed) {
    @Override
    public String toString() {
      return (status == 0 ? "no answer" : "status " + status)
          + (closed ? ", closed" : ", kept open");
    }
  }

  private static byte[] bytes(String request) {
    return request.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n";
  }

  private static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    for (String t :
        List.of(
            "/../outside.txt",
            "/%2e%2e/outside.txt",
            "/pool/%2e%2e%2f%2e%2e%2foutside.txt",
            "/pool%2f..%2f..%2foutside.txt",
            "/dists/x%00.txt",
            "/%c0%ae%c0%ae/outside.txt",
            "/%e0%80%ae%e0%80%ae/outside.txt",
            "/pool/..\\..\\outside.txt",
            "/pool/..%5c..%5coutside.txt",
            "/escape/outside.txt",
            "/escape-file")) {
      c.add(Case.kept("traversal " + t, get(t), 400, 404));
    }
    for (String t : List.of("/.hidden", "/.repomirror/state", "/%2erepomirror/state", "/pool/.x")) {
      c.add(Case.kept("hidden " + t, get(t), 404));
    }
    c.add(Case.closed("long request line", get("/" + "a".repeat(9000)), 414));
    c.add(
        Case.closed(
            "long header",
            "GET / HTTP/1.1\r\nHost: t\r\nX: " + "b".repeat(9000) + "\r\n\r\n",
            431));
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 3000; i++) many.append("X-").append(i).append(": v\r\n");
    c.add(Case.closed("3000 headers", many.append("\r\n").toString(), 431));
    c.add(
        Case.closed(
            "CL and TE",
            "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400));
    c.add(
        Case.closed(
            "two CLs",
            "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            400));
    c.add(
        Case.closed(
            "TE on 1.0", "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400));
    c.add(
        Case.closed("a body", "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello", 400));
    c.add(Case.kept("invalid method", "BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n", 405));
    c.add(Case.closed("HTTP/0.9", "GET /" + FILE + "\r\n", 400));
    c.add(Case.closed("HTTP/2 broken preface", "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n", 400, 505));
    c.add(
        Case.closed(
            "TLS hello",
            "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003",
            400,
            408));
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      byte[] junk = new byte[1 + random.nextInt(2000)];
      random.nextBytes(junk);
      // Bytes that never end a request head wait for the header timeout: 408.
      c.add(new Case("random bytes " + i, junk, Set.of(400, 408), true));
    }
    return c;
  }

  @Test
  void hostileRequestsGetTheRightAnswerAndTheServerKeepsServing() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    byte[] content = new byte[200_000];
    new Random(1).nextBytes(content);
    Files.createDirectories(root.resolve(FILE).getParent());
    Files.write(root.resolve(FILE), content);
    Files.writeString(root.resolve(".hidden"), "hidden");
    Files.createDirectories(root.resolve(".repomirror"));
    Files.writeString(root.resolve(".repomirror/state"), "secret");
    Files.writeString(tmp.resolve("outside.txt"), "outside the root");
    Files.createSymbolicLink(root.resolve("escape"), tmp);
    Files.createSymbolicLink(root.resolve("escape-file"), tmp.resolve("outside.txt"));
    try (RepoServer server =
        RepoServer.start(
            TestServers.config(root, 20_000, Duration.ofSeconds(1), AccessLogTarget.OFF, null),
            AccessLog.OFF)) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.address().getPort());
      URI good = URI.create("http://127.0.0.1:" + address.getPort() + "/" + FILE);
      int port = address.getPort();
      // The baseline before any client connects; the good client closes its pool when it stops.
      ServerDescriptors before = ServerDescriptors.count(port);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong served = new AtomicLong();
      List<String> goodFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread client =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (HttpClient http = HttpClient.newHttpClient()) {
                      while (!stop.get()) {
                        try {
                          HttpResponse<byte[]> r =
                              http.send(
                                  HttpRequest.newBuilder(good)
                                      .timeout(Duration.ofSeconds(5))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofByteArray());
                          if (r.statusCode() != 200 || !Arrays.equals(r.body(), content)) {
                            goodFailures.add("status " + r.statusCode());
                          }
                          served.incrementAndGet();
                        } catch (IOException e) {
                          goodFailures.add(e.toString());
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    }
                  });
      Thread.sleep(300);
      // Hostile input is answered, not logged as the server's own trouble: a warning with a stack
      // trace per request would let any client flood the log.
      Logger serverLog = (Logger) LoggerFactory.getLogger("org.repomirror.server");
      ListAppender<ILoggingEvent> logged = new ListAppender<>();
      logged.start();
      serverLog.addAppender(logged);
      Map<String, String> wrong = new LinkedHashMap<>();
      List<Case> cases = cases();
      for (Case c : cases) {
        Outcome o = answer(address, c);
        if (!c.allowed().contains(o.status()) || c.closes() != o.closed()) {
          wrong.put(
              c.name(),
              "expected " + c.allowed() + (c.closes() ? ", closed" : ", kept open") + "; got " + o);
        }
      }
      String http2 = http2Garbage(address);
      if (http2 != null) wrong.put("HTTP/2 preface, then HTTP/1", http2);
      Outcome slowloris = slowloris(address);
      if (slowloris.status() != 408 || !slowloris.closed()) {
        wrong.put("slowloris", "expected 408 and a close, got " + slowloris);
      }
      Flood flood = flood(address, content);
      if (flood.error() != null) wrong.put("pipelining flood", flood.error());
      // Thousands of idle connections: the server holds each, then lets go of each.
      List<Socket> idle = new ArrayList<>();
      for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        idle.add(new Socket(address.getAddress(), port));
      }
      ServerDescriptors withIdle =
          ServerDescriptors.await(port, d -> d.connections() >= IDLE_CONNECTIONS, WAIT);
      for (Socket s : idle) s.close();
      stop.set(true);
      client.join();
      ServerDescriptors after =
          ServerDescriptors.await(
              port,
              d -> d.connections() <= before.connections() && d.total() <= before.total() + 2,
              WAIT);
      serverLog.detachAppender(logged);
      assertThat(wrong).isEmpty();
      assertThat(logged.list)
          .as("warnings and errors the server logged")
          .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .extracting(ILoggingEvent::getFormattedMessage)
          .isEmpty();
      assertThat(goodFailures).as("the well-behaved client").isEmpty();
      assertThat(served.get()).isPositive();
      assertThat(withIdle.connections())
          .as("the server's own ends of the idle connections")
          .isGreaterThanOrEqualTo(IDLE_CONNECTIONS);
      assertThat(after.connections())
          .as("the server's connections back to the baseline")
          .isLessThanOrEqualTo(before.connections());
      assertThat(after.total())
          .as("the server's descriptors back to the baseline")
          .isLessThanOrEqualTo(before.total() + 2);
      Reliability.record(
          "hostile",
          String.format(
              "%d hostile cases (traversal, hidden files, sizes, smuggling, bodies, methods,"
                  + " HTTP/0.9, HTTP/2 prefaces, TLS, random bytes) each with its status and, where due, the close;"
                  + " a slowloris (408 and closed); a 500-request pipelining flood (%d whole answers"
                  + " in order, then closed by the server); %,d idle connections; a concurrent"
                  + " client got %d correct downloads and no error; the server's descriptors"
                  + " (client ends excluded) %d before, %d with the idle connections (%,d of them"
                  + " connections), %d after",
              cases.size(),
              flood.answers(),
              IDLE_CONNECTIONS,
              served.get(),
              before.total(),
              withIdle.total(),
              withIdle.connections(),
              after.total()));
    }
  }

  /**
   * HTTP/2's preface, then an HTTP/1 request where the client's SETTINGS frame belongs: the server
   * must say GOAWAY and close, not answer in HTTP/1 nor wait.
   *
   * @return what went wrong, or null
   */
  private static String http2Garbage(InetSocketAddress address) throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      c.timeout(5000);
      c.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + get("/" + FILE));
      byte[] got;
      try {
        got = c.input().readAllBytes();
      } catch (SocketTimeoutException e) {
        return "not closed within 5 s";
      } catch (SocketException reset) {
        return null; // closed hard; the GOAWAY may have been lost with the reset
      }
      List<Integer> types = new ArrayList<>();
      for (int at = 0; at + 9 <= got.length; ) {
        int length = (got[at] & 0xff) << 16 | (got[at + 1] & 0xff) << 8 | (got[at + 2] & 0xff);
        types.add(got[at + 3] & 0xff);
        at += 9 + length;
      }
      return types.contains(0x7) ? null : "closed without a GOAWAY; frame types " + types;
    }
  }

  /**
   * A header dribble: a request line, then a header line after longer than the header timeout. The
   * server must answer 408 and close before the client's own read timeout, which is a failure here,
   * not an answer.
   */
  private static Outcome slowloris(InetSocketAddress address) throws Exception {
    try (RawHttp slow = new RawHttp(address)) {
      slow.timeout(5000);
      slow.send("GET / HTTP/1.1\r\n");
      Thread.sleep(1500);
      try {
        slow.send("X-Slow: 1\r\n");
      } catch (SocketException closedAlready) {
        // The close may beat the second line; the 408 is still in our receive buffer.
      }
      int status;
      try {
        status = slow.read().status();
      } catch (SocketTimeoutException noAnswer) {
        return new Outcome(0, false);
      }
      return new Outcome(status, slow.closedByServer());
    }
  }

  /** How a pipelining flood ended: the whole answers before the close, or what went wrong. */
  private record Flood(int answers, String error) {}

  /**
   * 500 requests in one write. More than 128 waiting is not apt's pipeline of 10 but an attack: the
   * server must close the connection, and every answer before the close must be whole and in order.
   * The client's read timeout is a failure (the server never closed), not a close.
   */
  private static Flood flood(InetSocketAddress address, byte[] content) throws IOException {
    int requests = 500;
    try (RawHttp flood = new RawHttp(address)) {
      flood.timeout(10_000);
      flood.send(get("/" + FILE).repeat(requests));
      int answers = 0;
      while (answers < requests) {
        RawHttp.Response r;
        try {
          r = flood.read();
        } catch (SocketTimeoutException e) {
          return new Flood(answers, "no close after " + answers + " answers: the client timed out");
        } catch (IOException closed) {
          break; // EOF or reset: the server closed
        }
        if (r.status() == 200 && r.body().length < content.length) {
          break; // the close cut the response then in flight
        }
        if (r.status() != 200 || !Arrays.equals(r.body(), content)) {
          return new Flood(
              answers, "answer " + answers + ": " + r.status() + ", " + r.body().length + " bytes");
        }
        answers++;
      }
      if (answers == requests) {
        return new Flood(answers, "all " + requests + " answered: the flood was never cut off");
      }
      if (answers > MAX_QUEUED_REQUESTS) {
        return new Flood(
            answers, answers + " answers: more than " + MAX_QUEUED_REQUESTS + " queued");
      }
      return new Flood(answers, null);
    }
  }

  /**
   * Sends a request, reads one response, and finds whether the server closed the connection: for a
   * case that must close, by waiting for the end of the stream; for one that keeps it, by a second
   * request on it. A reset before any answer counts as no answer.
   */
  private static Outcome answer(InetSocketAddress address, Case c) throws IOException {
    try (RawHttp raw = new RawHttp(address)) {
      raw.timeout(5000);
      int status;
      try {
        raw.send(c.request());
        status = raw.read().status();
      } catch (SocketTimeoutException e) {
        return new Outcome(0, false);
      } catch (IOException closedOrReset) {
        return new Outcome(0, true);
      }
      if (c.closes()) return new Outcome(status, raw.closedByServer());
      try {
        boolean served =
            raw.send("HEAD /" + FILE + " HTTP/1.1\r\nHost: t\r\n\r\n").read(true).status() == 200;
        return new Outcome(status, !served);
      } catch (IOException closed) {
        return new Outcome(status, true);
      }
    }
  }
}
