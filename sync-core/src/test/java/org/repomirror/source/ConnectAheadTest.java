package org.repomirror.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A sync's first requests find their connections open: connected while the sync starts. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ConnectAheadTest {
  @Test
  void twoConnectionsOpenBeforeAnyRequestAndOnlyThoseThatCarryOneAreReported() throws Exception {
    try (CountingServer server = new CountingServer();
        HttpUpstream upstream =
            new HttpUpstream(
                server.uri(), Duration.ofSeconds(10), 8, 10, Http2Use.OFF, Clock.systemUTC())) {
      upstream.connectAhead();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.accepted.get() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
      assertThat(server.accepted.get()).as("connections accepted ahead").isEqualTo(2);
      assertThat(server.requests.get()).as("requests sent ahead").isZero();

      Upstream.Conditional answer = upstream.fetch("dists/stable/InRelease", null, 1 << 20);

      assertThat(((Upstream.Body) answer).bytes())
          .asString(StandardCharsets.US_ASCII)
          .isEqualTo(CountingServer.BODY);
      assertThat(server.accepted.get()).as("no connection made for the request").isEqualTo(2);
      assertThat(upstream.transportUse())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.connections()).as("connections that carried a request").isEqualTo(1);
                assertThat(t.requests()).isEqualTo(1);
              });
    }
  }

  /** Answers every request with the same small body, keeping the connection; counts accepts. */
  private static final class CountingServer implements AutoCloseable {
    static final String BODY = "signed release";
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    private final ServerSocket socket;

    CountingServer() throws IOException {
      socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(this::accept);
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          accepted.incrementAndGet();
          Thread.ofVirtual().start(() -> serve(s));
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private void serve(Socket s) {
      try (s;
          BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
        OutputStream out = s.getOutputStream();
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isEmpty()) continue; // the request line and headers; no body comes
          requests.incrementAndGet();
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY)
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
