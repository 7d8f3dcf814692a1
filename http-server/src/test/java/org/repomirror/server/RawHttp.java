package org.repomirror.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.x client over one socket, for tests that must control every byte: pipelining, legacy
 * requests, malformed input. Reads bodies by Content-Length only, as apt does for files.
 */
final class RawHttp implements AutoCloseable {
  /** One parsed response. Header names are lower case. */
  record Response(String statusLine, int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(InetSocketAddress address) throws IOException {
    this(address, null);
  }

  /**
   * @param from the local address to connect from (another 127.x.y.z is another client), or null
   */
  RawHttp(InetSocketAddress address, String from) throws IOException {
    socket = new Socket();
    if (from != null) socket.bind(new InetSocketAddress(from, 0));
    socket.connect(address, 5000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** A GET as legacy apt sends it: HTTP/1.1, keep-alive, the path raw. */
  Response get(String path) throws IOException {
    send(
        "GET /"
            + path
            + " HTTP/1.1\r\nHost: mirror\r\nUser-Agent: Debian APT-HTTP/1.3 (0.7.25)\r\n\r\n");
    return read();
  }

  RawHttp send(String raw) throws IOException {
    return send(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
    return this;
  }

  /** Reads one response; HEAD, 304 and 1xx responses have no body. */
  Response read(boolean headRequest) throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).strip());
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    byte[] body = new byte[0];
    String length = headers.get("content-length");
    if (!headRequest && status != 304 && status >= 200 && length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    }
    return new Response(statusLine, status, headers, body);
  }

  Response read() throws IOException {
    return read(false);
  }

  /** Whether the server closed the connection (EOF) within the socket timeout. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  InputStream input() {
    return in;
  }

  void timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        byte[] b = line.toByteArray();
        int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
