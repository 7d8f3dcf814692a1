package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idle timeout over real sockets: a connection that makes no progress either way is closed once
 * the timeout has passed, never one whose download still moves, however slowly it is read.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class IdleTimeoutTest {
  private static final Duration IDLE = Duration.ofMillis(800);

  @TempDir Path root;

  private RepoServer start() throws Exception {
    Files.createDirectories(root.resolve("pool"));
    byte[] big = new byte[16 << 20];
    new Random(7).nextBytes(big);
    Files.write(root.resolve("pool/big.deb"), big);
    Files.writeString(root.resolve("pool/small.txt"), "small");
    return RepoServer.start(
        TestServers.withIdleTimeout(TestServers.config(root), IDLE), AccessLog.OFF);
  }

  /** Reads until the server closes; the milliseconds that took, or -1 if it never did. */
  private static long closedAfter(Socket s, long startNanos) throws Exception {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      while (in.read(buffer) >= 0) {
        // an answer's bytes
      }
    } catch (SocketTimeoutException e) {
      return -1;
    }
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Test
  void aConnectionThatSendsNothingIsClosedOnceIdle() throws Exception {
    try (RepoServer server = start();
        Socket s = new Socket()) {
      long start = System.nanoTime();
      s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()));
      long ms = closedAfter(s, start);
      assertThat(ms).as("closed by the server").isPositive();
      assertThat(ms).as("not before the timeout").isGreaterThanOrEqualTo(IDLE.toMillis());
      assertThat(ms).as("within a quarter past it, and some slack").isLessThan(3_000);
    }
  }

  @Test
  void aKeptAliveConnectionIsClosedOnceIdleAfterItsAnswer() throws Exception {
    try (RepoServer server = start();
        Socket s = new Socket("127.0.0.1", server.address().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /pool/small.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      long ms = closedAfter(s, start);
      assertThat(ms).as("closed by the server after the answer").isPositive();
      assertThat(ms).isGreaterThanOrEqualTo(IDLE.toMillis() - 50).isLessThan(3_000);
    }
  }

  /** 16 MiB read at about 2 MiB a second: eight seconds, ten timeouts, and always some progress. */
  @Test
  void aSlowDownloadThatMovesIsNeverCut() throws Exception {
    try (RepoServer server = start();
        Socket s = new Socket()) {
      s.setReceiveBufferSize(64 << 10);
      s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()));
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /pool/big.deb HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      s.setSoTimeout(10_000);
      byte[] buffer = new byte[64 << 10];
      long received = 0;
      long head = -1;
      StringBuilder headText = new StringBuilder();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      while (System.nanoTime() < deadline) {
        int n = in.read(buffer, 0, 32 << 10);
        if (n < 0) break;
        if (head < 0) {
          headText.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          int end = headText.indexOf("\r\n\r\n");
          if (end >= 0) {
            head = end + 4;
            received = headText.length() - head;
          }
        } else {
          received += n;
        }
        if (received >= 16 << 20) break;
        Thread.sleep(15); // about 2 MiB a second
      }
      assertThat(headText.toString()).startsWith("HTTP/1.1 200");
      assertThat(received).as("the whole body, never cut").isEqualTo(16 << 20);
    }
  }
}
