package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncClientEndpoint;
import org.apache.hc.core5.http.nio.AsyncEntityConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 with prior knowledge (h2c) on the plain port, as another repomirror's sync speaks it:
 * files in parallel on one connection, byte for byte; ranges, conditions and heads from curl
 * (nghttp2); and HTTP/1 on the same port as before.
 */
class Http2ServingTest {
  @TempDir Path tmp;
  private Path root;
  private RepoServer server;
  private String base;
  private final RecordingAccessLog log = new RecordingAccessLog();
  private final List<byte[]> files = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    Random random = new Random(7);
    // Small files come from memory, large ones in chunks: both ways, framed.
    int[] sizes = {0, 1, 700, 4_000, 70_000, 300_000, 3_000_000};
    for (int i = 0; i < sizes.length; i++) {
      byte[] bytes = new byte[sizes[i]];
      random.nextBytes(bytes);
      files.add(bytes);
      Path p = root.resolve("pool/main/f/file" + i + ".deb");
      Files.createDirectories(p.getParent());
      Files.write(p, bytes);
    }
    Files.writeString(
        Files.createDirectories(root.resolve("dists/stable")).resolve("Release"),
        "Suite: stable\n");
    server = TestServers.start(root, log);
    base = "http://127.0.0.1:" + server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * Apache HttpClient's HTTP/2 client, as a sync uses it: every request at once on one leased
   * connection (curl 7.88 fails its second stream with {@code --parallel} and prior knowledge).
   */
  @Test
  void servesManyFilesAtOnceOnOneConnection() throws Exception {
    try (MinimalHttpAsyncClient client = http2Client()) {
      HttpHost host = new HttpHost("http", "127.0.0.1", server.address().getPort());
      AsyncClientEndpoint connection = client.lease(host, null).get(10, TimeUnit.SECONDS);
      List<Future<Message<HttpResponse, byte[]>>> answers = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < files.size(); i++) {
          answers.add(
              connection.execute(
                  new BasicRequestProducer(
                      new BasicHttpRequest("GET", host, "/pool/main/f/file" + i + ".deb"), null),
                  new BasicResponseConsumer<>(new BasicAsyncEntityConsumer()),
                  null));
        }
      }
      for (int n = 0; n < answers.size(); n++) {
        Message<HttpResponse, byte[]> answer = answers.get(n).get(30, TimeUnit.SECONDS);
        assertThat(answer.getHead().getCode()).isEqualTo(200);
        assertThat(answer.getHead().getVersion()).isEqualTo(HttpVersion.HTTP_2);
        byte[] body = answer.getBody() == null ? new byte[0] : answer.getBody();
        assertThat(body).as("answer %d", n).isEqualTo(files.get(n % files.size()));
      }
      connection.releaseAndReuse();
    }
    assertThat(log.entries())
        .hasSize(3 * files.size())
        .allMatch(e -> e.requestLine().endsWith(" HTTP/2.0") && e.status() == 200);
    java.io.ByteArrayOutputStream scrape = new java.io.ByteArrayOutputStream();
    server.metrics().writeText(scrape);
    assertThat(scrape.toString(StandardCharsets.UTF_8))
        .contains("repomirror_http_connections_total 1.0");
  }

  @Test
  void answersRangesConditionsHeadsAndMissingFilesOverHttp2() throws Exception {
    String big = base + "/pool/main/f/file6.deb";
    String small = base + "/pool/main/f/file3.deb";
    Path part = tmp.resolve("part");
    assertThat(run(curl("-r", "1000-1999", "-o", part.toString(), "-w", "%{http_code}", big)))
        .containsExactly("206");
    assertThat(Files.readAllBytes(part))
        .isEqualTo(java.util.Arrays.copyOfRange(files.get(6), 1000, 2000));
    assertThat(run(curl("-r", "10-19", "-o", part.toString(), "-w", "%{http_code}", small)))
        .containsExactly("206");
    assertThat(Files.readAllBytes(part))
        .isEqualTo(java.util.Arrays.copyOfRange(files.get(3), 10, 20));
    String lastModified =
        run(curl("-I", small)).stream()
            .filter(l -> l.toLowerCase().startsWith("last-modified:"))
            .findFirst()
            .orElseThrow()
            .substring("last-modified:".length())
            .strip();
    assertThat(
            run(
                curl(
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "-H",
                    "If-Modified-Since: " + lastModified,
                    small)))
        .containsExactly("304");
    assertThat(run(curl("-o", "/dev/null", "-w", "%{http_code}", base + "/pool/none.deb")))
        .containsExactly("404");
    List<String> head = run(curl("-I", big));
    assertThat(head.getFirst()).isEqualTo("HTTP/2 200");
    assertThat(head).contains("content-length: " + files.get(6).length);
    assertThat(head).noneMatch(l -> l.toLowerCase().startsWith("connection:"));
  }

  @Test
  void http1StaysOnTheSamePortAndABrokenPrefaceIsRefused() throws Exception {
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.address().getPort());
    try (RawHttp c = new RawHttp(address)) {
      c.send("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read().status()).isEqualTo(505); // an HTTP/1 request of version 2.0
    }
    try (RawHttp c = new RawHttp(address)) {
      RawHttp.Response r = c.get("/pool/main/f/file4.deb");
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(r.body()).isEqualTo(files.get(4));
    }
    assertThat(
            run(curl("-o", "/dev/null", "-w", "%{http_version}", base + "/dists/stable/Release")))
        .containsExactly("2");
  }

  /**
   * A graceful stop while a stream is under way: the server sends GOAWAY, lets the stream end
   * whole, then closes. The client takes no more of the 3 MB answer than the first 64 KiB window
   * until the stop has begun, so the answer is still under way when it does.
   */
  @Test
  void aGracefulStopLetsTheOpenStreamEndWhole() throws Exception {
    try (MinimalHttpAsyncClient client = http2Client()) {
      HttpHost host = new HttpHost("http", "127.0.0.1", server.address().getPort());
      AsyncClientEndpoint connection = client.lease(host, null).get(10, TimeUnit.SECONDS);
      HeldBody held = new HeldBody();
      Future<Message<HttpResponse, byte[]>> answer =
          connection.execute(
              new BasicRequestProducer(
                  new BasicHttpRequest("GET", host, "/pool/main/f/file6.deb"), null),
              new BasicResponseConsumer<>(held),
              null);
      assertThat(held.started.await(10, TimeUnit.SECONDS)).as("the body began").isTrue();
      Thread release =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      Thread.sleep(1000);
                    } catch (InterruptedException e) {
                      return;
                    }
                    held.release();
                  });
      long start = System.nanoTime();
      server.close();
      long stopMillis = (System.nanoTime() - start) / 1_000_000;
      release.join();
      Message<HttpResponse, byte[]> got = answer.get(10, TimeUnit.SECONDS);
      assertThat(got.getHead().getCode()).isEqualTo(200);
      assertThat(got.getBody()).isEqualTo(files.get(6));
      assertThat(stopMillis)
          .as("the stop waited for the stream, released after 1 s, within its 5 s timeout")
          .isBetween(900L, 4_900L);
    }
    try (java.net.Socket refused = new java.net.Socket()) {
      assertThatThrownBy(() -> refused.connect(server.address(), 2000))
          .as("no new connection after the stop")
          .isInstanceOf(IOException.class);
    }
  }

  /** A body taken no faster than the stream's first window until {@link #release}. */
  private static final class HeldBody implements AsyncEntityConsumer<byte[]> {
    final CountDownLatch started = new CountDownLatch(1);
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private volatile CapacityChannel capacity;
    private volatile FutureCallback<byte[]> done;

    /** Opens the stream's window wide: the rest of the body may come. */
    void release() {
      try {
        capacity.update(Integer.MAX_VALUE / 2);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void streamStart(EntityDetails details, FutureCallback<byte[]> callback) {
      done = callback;
    }

    @Override
    public void updateCapacity(CapacityChannel channel) {
      capacity = channel; // and grants nothing beyond the first window
    }

    @Override
    public synchronized void consume(ByteBuffer src) {
      started.countDown();
      byte[] chunk = new byte[src.remaining()];
      src.get(chunk);
      bytes.write(chunk, 0, chunk.length);
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
      done.completed(getContent());
    }

    @Override
    public void failed(Exception cause) {
      if (done != null) done.failed(cause);
    }

    @Override
    public synchronized byte[] getContent() {
      return bytes.toByteArray();
    }

    @Override
    public void releaseResources() {}
  }

  /** Apache HttpClient's HTTP/2 client, h2c with prior knowledge, started. */
  private static MinimalHttpAsyncClient http2Client() {
    MinimalHttpAsyncClient client =
        HttpAsyncClients.createMinimal(
            H2Config.DEFAULT,
            Http1Config.DEFAULT,
            IOReactorConfig.DEFAULT,
            PoolingAsyncClientConnectionManagerBuilder.create()
                .setDefaultTlsConfig(
                    TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_2).build())
                .build());
    client.start();
    return client;
  }

  private static List<String> curl(String... args) {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--http2-prior-knowledge"));
    command.addAll(List.of(args));
    return command;
  }

  /** Runs a command to its end, at most 60 s, and returns its output's lines; it must exit 0. */
  private List<String> run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ended", command).isTrue();
    assertThat(p.exitValue()).as("%s exit code", command).isZero();
    return new String(out, StandardCharsets.UTF_8).lines().map(String::strip).toList();
  }
}
