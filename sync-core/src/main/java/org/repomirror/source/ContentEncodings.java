package org.repomirror.source;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;

/**
 * A directory's index page is asked for gzipped: a tree crawl fetches one a folder, and a web
 * server that compresses HTML (nginx as Debian configures it, {@code gzip on}) then sends about a
 * sixth of the bytes. Every other file is asked for as it is stored, as apt asks: its bytes are
 * what the signed metadata or the listing describes. Whatever was asked, a body is read in the
 * encoding its answer names; one that names an encoding never asked for is an error, never read as
 * the file.
 */
final class ContentEncodings {
  private ContentEncodings() {}

  /** Asks for a directory's page ({@code ""} or a path ending in {@code /}) gzipped. */
  static <R extends HttpRequest> R askedFor(R request, String path) {
    if (path.isEmpty() || path.endsWith("/")) request.addHeader("Accept-Encoding", "gzip");
    return request;
  }

  /**
   * The body as the file's own bytes: ungzipped when the answer says {@code Content-Encoding:
   * gzip}. A gzip stream that does not decode is a FATAL fetch failure, as is any other encoding. A
   * gzipped body is read whole first, at most {@code maxBytes}: the JDK's gzip before JDK 23 took a
   * member that ended while the next had not yet arrived for the end of the stream.
   */
  static InputStream decoded(String url, HttpResponse response, InputStream body, int maxBytes)
      throws IOException {
    String encoding = HttpAnswers.header(response, "Content-Encoding");
    if (encoding == null) return body;
    switch (encoding.strip().toLowerCase(Locale.ROOT)) {
      case "", "identity" -> {
        return body;
      }
      case "gzip", "x-gzip" -> {
        byte[] compressed = body.readNBytes(maxBytes + 1);
        if (compressed.length > maxBytes) {
          throw new FetchException(
              FetchException.Kind.FATAL,
              url,
              response.getCode(),
              "larger than " + maxBytes + " bytes, gzipped",
              0,
              null);
        }
        try {
          return new Gunzipped(url, response.getCode(), new ByteArrayInputStream(compressed));
        } catch (ZipException | EOFException e) {
          throw undecodable(url, response.getCode(), e);
        }
      }
      default ->
          throw new FetchException(
              FetchException.Kind.FATAL,
              url,
              response.getCode(),
              "answered in the content encoding '" + encoding + "', which was not asked for",
              0,
              null);
    }
  }

  private static FetchException undecodable(String url, int status, IOException cause) {
    return new FetchException(
        FetchException.Kind.FATAL,
        url,
        status,
        "a gzip body that does not decode: " + cause.getMessage(),
        0,
        cause);
  }

  /** gzip's own errors, as opposed to the connection's, are the body's fault: FATAL. */
  private static final class Gunzipped extends FilterInputStream {
    private final String url;
    private final int status;

    Gunzipped(String url, int status, InputStream body) throws IOException {
      super(new GZIPInputStream(body, 16 * 1024));
      this.url = url;
      this.status = status;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (ZipException | EOFException e) {
        throw undecodable(url, status, e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (ZipException | EOFException e) {
        throw undecodable(url, status, e);
      }
    }
  }
}
