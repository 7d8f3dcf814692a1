package org.repomirror.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.testing.ScriptedUpstream.Fault;

/** The faults that look alike to a client must differ on the wire, or a test of one is both. */
class ScriptedUpstreamTest {
  private static final int SIZE = 1 << 20;

  @TempDir Path tmp;

  @Test
  void aResetHalfwayEndsInAnRstAndATruncatedBodyInAnOrderlyClose() throws Exception {
    Files.write(tmp.resolve("file"), new byte[SIZE]);
    try (ScriptedUpstream upstream = new ScriptedUpstream(tmp)) {
      upstream.fail("file", Fault.TRUNCATED, 1);
      ByteArrayOutputStream truncated = new ByteArrayOutputStream();
      try (Socket s = get(upstream, "file")) {
        s.getInputStream().transferTo(truncated); // ends with -1: a FIN
      }
      assertThat(truncated.size()).isLessThan(SIZE / 2 + 1000).isGreaterThan(SIZE / 2);

      upstream.fail("file", Fault.RESET_HALFWAY, 1);
      try (Socket s = get(upstream, "file")) {
        InputStream in = s.getInputStream();
        assertThatThrownBy(() -> in.transferTo(java.io.OutputStream.nullOutputStream()))
            .isInstanceOf(SocketException.class)
            .hasMessageContaining("reset");
      }
      assertThat(upstream.faultsServed()).isEqualTo(2);
    }
  }

  private static Socket get(ScriptedUpstream upstream, String path) throws IOException {
    Socket s = new Socket(upstream.uri().getHost(), upstream.uri().getPort());
    s.setSoTimeout(10_000);
    s.getOutputStream()
        .write(
            ("GET /" + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return s;
  }
}
