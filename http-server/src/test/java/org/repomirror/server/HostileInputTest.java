package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.config.AccessLogTarget;
import org.repomirror.testing.Reliability;

/**
 * Every kind of hostile request, over real sockets, while a well-behaved client keeps downloading
 * and checking a file; afterwards the server's open file descriptors are back to their baseline.
 */
class HostileInputTest {
  private static final String FILE = "pool/main/h/hello/hello_1.0+b~1_all.deb";

  @TempDir Path tmp;

  /** A case: the raw request, and the statuses that are right for it (0: the server may close). */
  private record Case(String name, byte[] request, Set<Integer> allowed) {
    static Case of(String name, String request, Integer... allowed) {
      return new Case(name, request.getBytes(StandardCharsets.ISO_8859_1), Set.of(allowed));
    }
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
      c.add(Case.of("traversal " + t, get(t), 400, 404));
    }
    for (String t : List.of("/.hidden", "/.repomirror/state", "/%2erepomirror/state", "/pool/.x")) {
      c.add(Case.of("hidden " + t, get(t), 404, 400));
    }
    c.add(Case.of("long request line", get("/" + "a".repeat(9000)), 414, 0));
    c.add(
        Case.of(
            "long header",
            "GET / HTTP/1.1\r\nHost: t\r\nX: " + "b".repeat(9000) + "\r\n\r\n",
            431,
            0));
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 3000; i++) many.append("X-").append(i).append(": v\r\n");
    c.add(Case.of("3000 headers", many.append("\r\n").toString(), 431, 0));
    c.add(
        Case.of(
            "CL and TE",
            "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400,
            0));
    c.add(
        Case.of(
            "two CLs",
            "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            400,
            0));
    c.add(
        Case.of(
            "TE on 1.0", "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 0));
    c.add(Case.of("a body", "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello", 400, 0));
    c.add(Case.of("invalid method", "BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n", 405, 400, 0));
    c.add(Case.of("HTTP/0.9", "GET /" + FILE + "\r\n", 400, 0));
    c.add(Case.of("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400, 405, 505, 0));
    c.add(
        Case.of(
            "TLS hello",
            "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003",
            400,
            0));
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      byte[] junk = new byte[1 + random.nextInt(2000)];
      random.nextBytes(junk);
      // Bytes that never end a request head wait for the header timeout: 408.
      c.add(new Case("random bytes " + i, junk, Set.of(400, 408, 0)));
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
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong served = new AtomicLong();
      List<String> goodFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread client =
          Thread.ofPlatform()
              .start(
                  () -> {
                    HttpClient http = HttpClient.newHttpClient();
                    while (!stop.get()) {
                      try {
                        HttpResponse<byte[]> r =
                            http.send(
                                HttpRequest.newBuilder(good).timeout(Duration.ofSeconds(5)).build(),
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
                  });
      Thread.sleep(300);
      long fdsBefore = openFiles();
      Map<String, String> wrong = new LinkedHashMap<>();
      List<Case> cases = cases();
      for (Case c : cases) {
        int status = answer(address, c.request());
        if (!c.allowed().contains(status)) wrong.put(c.name(), "got " + status);
      }
      // A header dribble (slowloris) is cut off by the header timeout.
      try (RawHttp slow = new RawHttp(address)) {
        slow.timeout(5000);
        slow.send("GET / HTTP/1.1\r\n");
        Thread.sleep(1500);
        slow.send("X-Slow: 1\r\n");
        RawHttp.Response r = slow.read();
        if (r.status() != 408) wrong.put("slowloris", "got " + r.status());
      } catch (IOException closed) {
        // closed without a response is right too
      }
      // A pipelining flood: 500 requests in one write. More than 128 waiting is not apt's pipeline
      // of 10 but an attack, and the connection is closed; every answer before is whole and in
      // order.
      int floodAnswers = 0;
      try (RawHttp flood = new RawHttp(address)) {
        flood.timeout(10_000);
        flood.send(get("/" + FILE).repeat(500));
        for (; floodAnswers < 500; floodAnswers++) {
          RawHttp.Response r;
          try {
            r = flood.read();
          } catch (IOException | NullPointerException closed) {
            break;
          }
          if (r.status() == 200 && r.body().length < content.length) {
            break; // the close cut the response then in flight
          }
          if (r.status() != 200 || !Arrays.equals(r.body(), content)) {
            wrong.put(
                "pipelining flood",
                "response " + floodAnswers + ": " + r.status() + ", " + r.body().length + " bytes");
            break;
          }
        }
        if (floodAnswers < 10) {
          wrong.putIfAbsent("pipelining flood", "only " + floodAnswers + " answers");
        }
      }
      // Thousands of idle connections, then gone.
      List<Socket> idle = new ArrayList<>();
      for (int i = 0; i < 3000; i++) idle.add(new Socket(address.getAddress(), address.getPort()));
      long fdsWithIdle = openFiles();
      for (Socket s : idle) s.close();
      stop.set(true);
      client.join();
      long fdsAfter = waitForFds(fdsBefore + 4, Duration.ofSeconds(10));
      assertThat(wrong).isEmpty();
      assertThat(goodFailures).as("the well-behaved client").isEmpty();
      assertThat(served.get()).isPositive();
      assertThat(fdsWithIdle).isGreaterThan(fdsBefore + 3000);
      assertThat(fdsAfter)
          .as("file descriptors back to the baseline")
          .isLessThanOrEqualTo(fdsBefore + 4);
      Reliability.record(
          "hostile",
          String.format(
              "%d hostile cases (traversal, hidden files, sizes, smuggling, bodies, methods,"
                  + " HTTP/0.9, TLS, random bytes), a slowloris, a 500-request pipelining flood (%d"
                  + " whole answers in order, then closed) and 3,000 idle connections; a concurrent"
                  + " client got %d correct downloads and no error; open files %d before, %d with"
                  + " the idle connections, %d after",
              cases.size(), floodAnswers, served.get(), fdsBefore, fdsWithIdle, fdsAfter));
    }
  }

  /** Sends a request and returns the status, or 0 when the server closed without answering. */
  private static int answer(InetSocketAddress address, byte[] request) throws IOException {
    try (Socket s = new Socket(address.getAddress(), address.getPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException closedEarly) {
        return 0;
      }
      InputStream in = s.getInputStream();
      byte[] head = new byte[12];
      int n = in.readNBytes(head, 0, 12);
      if (n < 12) return 0;
      String line = new String(head, StandardCharsets.ISO_8859_1);
      return line.startsWith("HTTP/1.") ? Integer.parseInt(line.substring(9, 12)) : -1;
    } catch (java.net.SocketException reset) {
      return 0;
    }
  }

  private static long openFiles() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long waitForFds(long target, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    long n = openFiles();
    while (n > target && System.nanoTime() < deadline) {
      Thread.sleep(100);
      n = openFiles();
    }
    return n;
  }
}
