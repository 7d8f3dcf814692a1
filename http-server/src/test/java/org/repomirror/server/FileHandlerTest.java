package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.http.CachePolicy;
import org.repomirror.store.ServedTree;

/**
 * The handler in an {@link EmbeddedChannel}: what it writes, in which order, and when it closes.
 */
class FileHandlerTest {
  @TempDir Path root;
  private EmbeddedChannel channel;
  private final RecordingAccessLog log = new RecordingAccessLog();

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(root.resolve("pool"));
    Files.write(root.resolve("pool/a.deb"), new byte[100_000]);
    Files.writeString(root.resolve("pool/b.txt"), "bee");
    ServerMetrics metrics =
        new ServerMetrics(
            new ConnectionLimiter(10, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
    ConnectionGuard guard = new ConnectionGuard(Duration.ofSeconds(5).toNanos(), metrics);
    ServedTree tree = ServedTree.local(root, System::nanoTime);
    channel =
        new EmbeddedChannel(
            guard,
            new HttpRequestDecoder(),
            new HttpResponseEncoder(),
            new FileHandler(
                new FileHandler.Site(
                    tree,
                    new SmallFileCache(1 << 20),
                    new OpenFiles(),
                    new ResponseHeads(),
                    new CachePolicy(Duration.ofSeconds(60), true),
                    new GenerationPinning(
                        tree,
                        new PinTable(
                            Duration.ofMinutes(2),
                            100,
                            Duration.ofHours(1),
                            com.github.benmanes.caffeine.cache.Ticker.systemTicker()),
                        true,
                        TrustedProxies.NONE),
                    metrics,
                    log,
                    null),
                guard,
                false,
                false));
  }

  @Test
  void rangeBecomesAFileRegionAtTheRightOffset() {
    send("GET /pool/a.deb HTTP/1.1\r\nHost: t\r\nRange: bytes=10-19\r\n\r\n");
    List<Object> out = drain();
    assertThat(text(out.getFirst())).startsWith("HTTP/1.1 206 Partial Content\r\n");
    DefaultFileRegion region = (DefaultFileRegion) out.get(1);
    assertThat(region.position()).isEqualTo(10);
    assertThat(region.count()).isEqualTo(10);
    release(out);
  }

  @Test
  void smallFilesGoOutWithTheirHeadersInOneBuffer() {
    send("GET /pool/b.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    List<Object> out = drain();
    assertThat(out).noneMatch(o -> o instanceof DefaultFileRegion);
    String all = out.stream().map(FileHandlerTest::text).reduce("", String::concat);
    assertThat(all).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nbee");
    release(out);
  }

  @Test
  void headWritesNoRegion() {
    send("HEAD /pool/a.deb HTTP/1.1\r\nHost: t\r\n\r\n");
    List<Object> out = drain();
    assertThat(text(out.getFirst())).contains("content-length: 100000");
    assertThat(out).noneMatch(o -> o instanceof DefaultFileRegion);
    release(out);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    send(
        "GET /pool/b.txt HTTP/1.1\r\nHost: t\r\n\r\n"
            + "GET /missing HTTP/1.1\r\nHost: t\r\n\r\n"
            + "GET /pool/a.deb HTTP/1.1\r\nHost: t\r\n\r\n");
    List<Object> out = drain();
    List<String> statusLines = new ArrayList<>();
    for (Object o : out) {
      if (o instanceof ByteBuf b && text(b).startsWith("HTTP/1.1 ")) {
        statusLines.add(text(b).lines().findFirst().orElseThrow());
      }
    }
    assertThat(statusLines)
        .containsExactly("HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK");
    assertThat(log.targets()).containsExactly("/pool/b.txt", "/missing", "/pool/a.deb");
    release(out);
  }

  @Test
  void notModifiedCarriesNoContentLength() {
    send("GET /pool/b.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: *\r\n\r\n");
    List<Object> out = drain();
    String head = text(out.getFirst());
    assertThat(head)
        .startsWith("HTTP/1.1 304 Not Modified")
        .doesNotContainIgnoringCase("content-length");
    assertThat(channel.isOpen()).isTrue();
    release(out);
  }

  @Test
  void decoderFailureAnswersAndCloses() {
    send("GET /" + "x".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n");
    List<Object> out = drain();
    assertThat(text(out.getFirst())).startsWith("HTTP/1.1 414 ");
    assertThat(channel.isOpen()).isFalse();
    release(out);
  }

  @Test
  void drainClosesAnIdleConnection() {
    channel.pipeline().fireUserEventTriggered(FileHandler.DRAIN);
    assertThat(channel.isOpen()).isFalse();
  }

  private void send(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    channel.runPendingTasks();
  }

  private List<Object> drain() {
    List<Object> out = new ArrayList<>();
    for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
      out.add(o);
    }
    return out;
  }

  private static String text(Object o) {
    return ((ByteBuf) o).toString(StandardCharsets.ISO_8859_1);
  }

  private static void release(List<Object> out) {
    out.forEach(io.netty.util.ReferenceCountUtil::release);
  }
}
