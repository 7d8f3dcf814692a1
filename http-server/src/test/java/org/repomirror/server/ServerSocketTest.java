package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.repomirror.http.HttpDates;

/** The server on a real loopback socket, driven byte by byte. */
class ServerSocketTest {
  private static final long MTIME = 1_700_000_000L;
  private static final String DEB = "pool/main/libs/libstdc++6_1.0+dfsg~1_armel.deb";

  @TempDir Path tmp;
  private Path root;
  private byte[] debBytes;
  private RepoServer server;
  private InetSocketAddress address;
  private final RecordingAccessLog log = new RecordingAccessLog();

  @BeforeEach
  void start() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    debBytes = new byte[100_000];
    new Random(1).nextBytes(debBytes);
    write(DEB, debBytes);
    for (int i = 0; i < 10; i++) {
      write(
          "dists/stable/main/f" + i, ("file number " + i + "\n").getBytes(StandardCharsets.UTF_8));
    }
    write("dists/stable/Release", "Suite: stable\n".getBytes(StandardCharsets.UTF_8));
    write(".repomirror/state", "secret state".getBytes(StandardCharsets.UTF_8));
    write("pool/.hidden", "hidden".getBytes(StandardCharsets.UTF_8));
    Files.writeString(tmp.resolve("outside.txt"), "outside the root");
    Files.createSymbolicLink(root.resolve("escape"), tmp);
    Files.createSymbolicLink(root.resolve("escape-file"), tmp.resolve("outside.txt"));
    Files.createSymbolicLink(root.resolve("current"), root.resolve("dists/stable"));
    Files.createSymbolicLink(root.resolve("state-link"), root.resolve(".repomirror"));
    server = TestServers.start(root, log);
    address = new InetSocketAddress("127.0.0.1", server.address().getPort());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void write(String relative, byte[] bytes) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    Files.setLastModifiedTime(p, FileTime.from(java.time.Instant.ofEpochSecond(MTIME)));
  }

  @Test
  void getSendsValidatorsAndExactBytes() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r = c.send(get("/" + DEB)).read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(r.body()).isEqualTo(debBytes);
      assertThat(r.header("Content-Length")).isEqualTo("100000");
      assertThat(r.header("Content-Type")).isEqualTo("application/vnd.debian.binary-package");
      assertThat(r.header("Last-Modified")).isEqualTo(HttpDates.format(MTIME));
      assertThat(r.header("ETag")).isEqualTo("\"" + Long.toHexString(MTIME) + "-186a0\"");
      assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
      assertThat(r.header("Cache-Control")).contains("immutable");
      assertThat(r.header("Content-Encoding")).isNull();
      assertThat(r.header("Transfer-Encoding")).isNull();
      assertThat(r.header("Connection")).isNull();
    }
  }

  @Test
  void aReplacedSmallFileIsNeverServedStale() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      assertThat(c.send(get("/dists/stable/Release")).read().bodyText())
          .isEqualTo("Suite: stable\n");
      // Same size, same mtime, new inode: what a sync's rename into place looks like at worst.
      Path next = root.resolve("dists/stable/.Release.new");
      Files.writeString(next, "Suite: stabl3\n");
      Files.setLastModifiedTime(next, FileTime.from(java.time.Instant.ofEpochSecond(MTIME)));
      Files.move(
          next, root.resolve("dists/stable/Release"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      assertThat(c.send(get("/dists/stable/Release")).read().bodyText())
          .isEqualTo("Suite: stabl3\n");
    }
  }

  @Test
  void etagIsStableAcrossRestarts() throws Exception {
    String first;
    try (RawHttp c = new RawHttp(address)) {
      first = c.send(get("/" + DEB)).read().header("ETag");
    }
    server.close();
    server = TestServers.start(root, log);
    try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", server.address().getPort()))) {
      assertThat(c.send(get("/" + DEB)).read().header("ETag")).isEqualTo(first);
    }
  }

  @Test
  void tenPipelinedRequestsAreAnsweredInOrder() throws Exception {
    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      burst.append(get("/dists/stable/main/f" + i));
    }
    try (RawHttp c = new RawHttp(address)) {
      c.send(burst.toString());
      for (int i = 0; i < 10; i++) {
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("file number " + i + "\n");
      }
      assertThat(c.send(get("/dists/stable/Release")).read().bodyText())
          .isEqualTo("Suite: stable\n");
    }
  }

  @Test
  void headSendsTheSameHeadersWithoutABody() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response get = c.send(get("/" + DEB)).read();
      RawHttp.Response head = c.send("HEAD /" + DEB + " HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
      assertThat(head.status()).isEqualTo(200);
      for (String h :
          new String[] {
            "Content-Length",
            "Content-Type",
            "ETag",
            "Last-Modified",
            "Cache-Control",
            "Accept-Ranges"
          }) {
        assertThat(head.header(h)).as(h).isEqualTo(get.header(h));
      }
      // No stray body bytes: the next response starts right away.
      assertThat(c.send(get("/dists/stable/Release")).read().bodyText())
          .isEqualTo("Suite: stable\n");
    }
  }

  @Test
  void aSmallFilesPreEncodedHeadSaysWhatTheEncodedHeadSays() throws Exception {
    // A small file's GET is answered from a head encoded once; HEAD goes through Netty's encoder.
    try (RawHttp c = new RawHttp(address)) {
      for (String version : new String[] {"HTTP/1.1", "HTTP/1.0"}) {
        String request =
            " /dists/stable/Release " + version + "\r\nHost: t\r\nConnection: keep-alive\r\n\r\n";
        RawHttp.Response head = c.send("HEAD" + request).read(true);
        RawHttp.Response first = c.send("GET" + request).read();
        RawHttp.Response second = c.send("GET" + request).read();
        for (RawHttp.Response get : List.of(first, second)) {
          assertThat(get.statusLine()).isEqualTo("HTTP/1.1 200 OK");
          assertThat(get.bodyText()).isEqualTo("Suite: stable\n");
          assertThat(without(get.headers(), "date"))
              .as(version)
              .isEqualTo(without(head.headers(), "date"));
          assertThat(HttpDates.parse(get.header("Date"))).isPresent();
        }
      }
      // A replaced file gets a new head: its length and validators, never the old ones.
      Path next = root.resolve("dists/stable/.Release.new");
      Files.writeString(next, "Suite: stable-updates\n");
      Files.move(
          next, root.resolve("dists/stable/Release"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      RawHttp.Response head =
          c.send("HEAD /dists/stable/Release HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
      RawHttp.Response get = c.send(get("/dists/stable/Release")).read();
      assertThat(get.bodyText()).isEqualTo("Suite: stable-updates\n");
      assertThat(get.header("Content-Length")).isEqualTo("22");
      assertThat(without(get.headers(), "date")).isEqualTo(without(head.headers(), "date"));
    }
  }

  private static Map<String, String> without(Map<String, String> headers, String name) {
    Map<String, String> rest = new TreeMap<>(headers);
    rest.remove(name);
    return rest;
  }

  @Test
  void rangesAndIfRange() throws Exception {
    String lastModified = HttpDates.format(MTIME);
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r = c.send(get("/" + DEB, "Range: bytes=10-19")).read();
      assertThat(r.status()).isEqualTo(206);
      assertThat(r.header("Content-Range")).isEqualTo("bytes 10-19/100000");
      assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(debBytes, 10, 20));

      r = c.send(get("/" + DEB, "Range: bytes=100000-")).read();
      assertThat(r.status()).isEqualTo(416);
      assertThat(r.header("Content-Range")).isEqualTo("bytes */100000");

      r = c.send(get("/" + DEB, "Range: bytes=99990-", "If-Range: " + lastModified)).read();
      assertThat(r.status()).isEqualTo(206);
      assertThat(r.body()).hasSize(10);

      r =
          c.send(get("/" + DEB, "Range: bytes=99990-", "If-Range: " + HttpDates.format(MTIME - 5)))
              .read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(debBytes);

      String etag = r.header("ETag");
      r = c.send(get("/" + DEB, "Range: bytes=0-0", "If-Range: " + etag)).read();
      assertThat(r.status()).isEqualTo(206);
      assertThat(r.body()).containsExactly(debBytes[0]);

      r = c.send(get("/" + DEB, "Range: bytes=0-1,5-6")).read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(debBytes);
    }
  }

  @Test
  void rangesOfSmallCachedFiles() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response whole = c.send(get("/dists/stable/Release")).read();
      assertThat(whole.bodyText()).isEqualTo("Suite: stable\n");
      RawHttp.Response head = c.send(get("/dists/stable/Release", "Range: bytes=0-4")).read();
      assertThat(head.status()).isEqualTo(206);
      assertThat(head.header("Content-Range")).isEqualTo("bytes 0-4/14");
      assertThat(head.bodyText()).isEqualTo("Suite");
      RawHttp.Response tail = c.send(get("/dists/stable/Release", "Range: bytes=-7")).read();
      assertThat(tail.bodyText()).isEqualTo("stable\n");
      assertThat(c.send(get("/dists/stable/Release")).read().bodyText())
          .isEqualTo("Suite: stable\n");
    }
  }

  @Test
  void conditionalGetsGive304AndKeepTheConnection() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r =
          c.send(get("/dists/stable/Release", "If-Modified-Since: " + HttpDates.format(MTIME)))
              .read();
      assertThat(r.status()).isEqualTo(304);
      assertThat(r.header("ETag")).isNotNull();
      assertThat(r.header("Last-Modified")).isEqualTo(HttpDates.format(MTIME));
      assertThat(r.header("Connection")).isNull();
      String etag = r.header("ETag");
      r = c.send(get("/dists/stable/Release", "If-None-Match: " + etag)).read();
      assertThat(r.status()).isEqualTo(304);
      r =
          c.send(get("/dists/stable/Release", "If-Modified-Since: " + HttpDates.format(MTIME - 1)))
              .read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("Suite: stable\n");
    }
  }

  @Test
  void legacyAptClient() throws Exception {
    // apt 0.5-0.7: raw '+', HTTP/1.0 keep-alive, resume from the last byte with If-Range.
    String path = "/pool/main/libs/libstdc++6_1.0+dfsg~1_armel.deb";
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r =
          c.send(
                  "GET "
                      + path
                      + " HTTP/1.0\r\nHost: mirror\r\nConnection: keep-alive\r\n"
                      + "User-Agent: Debian APT-HTTP/1.3 (0.7.20.2)\r\n"
                      + "Range: bytes=99999-\r\nIf-Range: "
                      + HttpDates.format(MTIME)
                      + "\r\n\r\n")
              .read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 206 Partial Content");
      assertThat(r.header("Content-Range")).isEqualTo("bytes 99999-99999/100000");
      assertThat(r.body()).containsExactly(debBytes[99_999]);
      assertThat(r.header("Connection")).isEqualToIgnoringCase("keep-alive");

      StringBuilder burst = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        burst
            .append("GET /dists/stable/main/f")
            .append(i)
            .append(" HTTP/1.1\r\nHost: mirror\r\n\r\n");
      }
      c.send(burst.toString());
      for (int i = 0; i < 10; i++) {
        assertThat(c.read().bodyText()).isEqualTo("file number " + i + "\n");
      }
    }
  }

  @Test
  void http10WithoutKeepAliveIsClosed() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r = c.send("GET /dists/stable/Release HTTP/1.0\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      c.send(get("/dists/stable/Release", "Connection: close")).read();
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void http11WithoutHostIs400() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      assertThat(c.send("GET /dists/stable/Release HTTP/1.1\r\n\r\n").read().status())
          .isEqualTo(400);
    }
  }

  @Test
  void otherMethodsGet405WithAllow() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r =
          c.send("DELETE /dists/stable/Release HTTP/1.1\r\nHost: t\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(405);
      assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
      assertThat(c.send(get("/dists/stable/Release")).read().status()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /dists/stable/Release HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
        "GET /dists/stable/Release HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /dists/stable/Release HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /dists/stable/Release HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "GET /dists/stable/Release HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      })
  void requestsWithBodiesGet400AndAreClosed(String request) throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      assertThat(c.send(request).read().status()).isEqualTo(400);
      assertThat(c.closedByServer()).isTrue();
    }
    assertStillServing();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../outside.txt",
        "/%2e%2e/outside.txt",
        "/pool/%2e%2e/%2e%2e/outside.txt",
        "/pool%2f..%2f..%2foutside.txt",
        "/escape/outside.txt",
        "/escape-file",
        "/.repomirror/state",
        "/%2erepomirror/state",
        "/state-link/state",
        "/pool/.hidden",
        "/pool/..%5c..%5coutside.txt",
        "/%c0%ae%c0%ae/outside.txt",
        "/dists/stable/Release%00.html",
      })
  void traversalNeverLeavesTheRoot(String target) throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r = c.send(get(target)).read();
      assertThat(r.status()).as(target).isIn(400, 404);
      assertThat(r.bodyText()).doesNotContain("outside the root").doesNotContain("secret");
    }
  }

  @Test
  void symlinksInsideTheRootAreFollowed() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      assertThat(c.send(get("/current/Release")).read().bodyText()).isEqualTo("Suite: stable\n");
    }
  }

  @Test
  void absoluteFormTargetsAreServed() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r = c.send(get("http://mirror.example/dists/stable/Release")).read();
      assertThat(r.bodyText()).isEqualTo("Suite: stable\n");
    }
  }

  @Test
  void directoriesAreListedAndRedirectedToASlash() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r = c.send(get("/pool/main?x=1")).read();
      assertThat(r.status()).isEqualTo(301);
      assertThat(r.header("Location")).isEqualTo("/pool/main/?x=1");
      r = c.send(get("/pool/main/libs/")).read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/html");
      assertThat(r.bodyText()).contains("libstdc++6_1.0+dfsg~1_armel.deb</a>").contains("100000");
      r = c.send(get("/")).read();
      assertThat(r.bodyText())
          .contains("pool/")
          .doesNotContain(".repomirror")
          .doesNotContain("escape");
      r = c.send(get("/pool/")).read();
      assertThat(r.bodyText()).doesNotContain(".hidden");
    }
  }

  @Test
  void missingIndexVariantsGetClean404s() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      for (String v : new String[] {"Packages.bz2", "Packages.gz", "Packages"}) {
        RawHttp.Response r = c.send(get("/dists/stable/main/binary-armel/" + v)).read();
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Length")).isNotNull();
      }
      assertThat(c.send(get("/dists/stable/Release")).read().status()).isEqualTo(200);
    }
  }

  @Test
  void oversizedRequestLineAndHeaders() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r =
          c.send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(414);
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r =
          c.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(431);
    }
    try (RawHttp c = new RawHttp(address)) {
      StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: t\r\n");
      for (int i = 0; i < 1000; i++) many.append("X-H").append(i).append(": v\r\n");
      assertThat(c.send(many.append("\r\n").toString()).read().status()).isEqualTo(431);
    }
    assertStillServing();
  }

  @Test
  void garbageGets400AndTheServerKeepsServing() throws Exception {
    for (String junk :
        new String[] {
          "GET /\r\n\r\n",
          "\u0016\u0003\u0001\u0000\u00a5hello\r\n\r\n",
          "FOO BAR BAZ QUX\r\n\r\n",
          "GET / HTTP/2.0\r\nHost: t\r\n\r\n"
        }) {
      try (RawHttp c = new RawHttp(address)) {
        c.send(junk);
        RawHttp.Response r = c.read();
        assertThat(r.status()).as(junk).isBetween(400, 505);
      }
    }
    assertStillServing();
  }

  @Test
  void adminEndpoints() throws Exception {
    try (RawHttp c = new RawHttp(address)) {
      c.send(get("/dists/stable/Release")).read();
      c.send(get("/nope")).read();
    }
    HttpClient http = HttpClient.newHttpClient();
    String admin = "http://127.0.0.1:" + server.adminAddress().getPort();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(admin + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(admin + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .contains("repomirror_http_requests_total{code=\"200\"} ")
        .contains("repomirror_http_requests_total{code=\"404\"} 1")
        .contains("repomirror_http_open_connections")
        .contains("repomirror_http_response_body_bytes_total 28"); // 14 + "404 Not Found\n"
    assertThat(log.entries())
        .anyMatch(e -> e.status() == 404 && e.requestLine().equals("GET /nope HTTP/1.1"));
    assertThat(log.entries().getFirst().combined())
        .matches(
            "127\\.0\\.0\\.1 - - \\[.*\\] \"GET /dists/stable/Release HTTP/1.1\" 200 14 \"-\" \"-\"");
  }

  @Test
  void slowRequestHeadsTimeOut() throws Exception {
    server.close();
    var config =
        TestServers.config(
            root, 100, Duration.ofMillis(300), org.repomirror.config.AccessLogTarget.OFF, null);
    server = RepoServer.start(config, log);
    address = new InetSocketAddress("127.0.0.1", server.address().getPort());
    try (RawHttp c = new RawHttp(address)) {
      c.send("GET /dists/stable/Release HTTP/1.1\r\nHo");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.closedByServer()).isTrue();
    }
    // A client that sends whole requests is not bothered, however long it waits between them.
    try (RawHttp c = new RawHttp(address)) {
      assertThat(c.send(get("/dists/stable/Release")).read().status()).isEqualTo(200);
      Thread.sleep(600);
      assertThat(c.send(get("/dists/stable/Release")).read().status()).isEqualTo(200);
    }
  }

  @Test
  void gracefulShutdownFinishesTheResponseInFlight() throws Exception {
    byte[] big = new byte[64 * 1024 * 1024];
    new Random(2).nextBytes(big);
    write("pool/big.bin", big);
    try (RawHttp c = new RawHttp(address)) {
      c.send(get("/pool/big.bin"));
      // Read the head and a little of the body, so the response is surely in flight.
      byte[] first = c.input().readNBytes(1024);
      assertThat(new String(first, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200 OK");
      Thread closer = new Thread(server::close);
      closer.start();
      Thread.sleep(100);
      byte[] rest = c.input().readAllBytes(); // until the server closes
      closer.join(10_000);
      String head = new String(first, StandardCharsets.ISO_8859_1);
      int headerEnd = head.indexOf("\r\n\r\n") + 4;
      assertThat(first.length - headerEnd + rest.length).isEqualTo(big.length);
    }
    try (java.net.Socket s = new java.net.Socket()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.connect(address, 1000))
          .isInstanceOf(IOException.class);
    }
  }

  private void assertStillServing() throws IOException {
    try (RawHttp c = new RawHttp(address)) {
      assertThat(c.send(get("/dists/stable/Release")).read().bodyText())
          .isEqualTo("Suite: stable\n");
    }
  }

  private static String get(String target, String... headers) {
    StringBuilder r =
        new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: test\r\n");
    for (String h : headers) r.append(h).append("\r\n");
    return r.append("\r\n").toString();
  }
}
