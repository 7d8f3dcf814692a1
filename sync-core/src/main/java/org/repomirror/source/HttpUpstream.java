package org.repomirror.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;
import org.repomirror.index.UpstreamValidators;

/**
 * An upstream reached over HTTP(S) with the JDK's client: HTTP/1.1 keep-alive connections, reused
 * across requests, redirects followed (a loop ends as FATAL). Thread-safe.
 */
public final class HttpUpstream implements Upstream {
  private static final String USER_AGENT = "repomirror/0.1 (+https://repomirror.org)";

  private final URI base;
  private final HttpClient client;
  private final Duration readTimeout;

  /**
   * @param base the upstream root, e.g. {@code http://repository.maemo.org/}
   * @param readTimeout how long a response may stall before it counts as failed
   */
  public HttpUpstream(URI base, Duration readTimeout) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.readTimeout = readTimeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(15))
            .build();
  }

  @Override
  public String url(String path) {
    return base.resolve(encodePath(path)).toString();
  }

  @Override
  public Conditional fetch(String path, UpstreamValidators previous, int maxBytes)
      throws IOException {
    HttpRequest.Builder request = request(path);
    if (previous != null) {
      if (previous.etag() != null) request.header("If-None-Match", previous.etag());
      if (previous.lastModified() != null)
        request.header("If-Modified-Since", previous.lastModified());
    }
    HttpResponse<InputStream> response = send(path, request.build());
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 304) {
        return new NotModified();
      }
      checkStatus(path, response, 200);
      byte[] bytes = body.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new FetchException(
            FetchException.Kind.FATAL,
            url(path),
            status,
            "larger than " + maxBytes + " bytes",
            0,
            null);
      }
      checkLength(path, response, bytes.length);
      return new Body(bytes, validators(response.headers()), lastModified(response.headers()));
    } catch (FetchException e) {
      throw e;
    } catch (IOException e) {
      throw new FetchException(
          FetchException.Kind.TRANSIENT, url(path), 0, "reading the body: " + e, 0, e);
    }
  }

  @Override
  public Download download(String path, long offset, String ifRange, BodySink sink)
      throws IOException {
    HttpRequest.Builder request = request(path);
    if (offset > 0) {
      request.header("Range", "bytes=" + offset + "-");
      if (ifRange != null) request.header("If-Range", ifRange);
    }
    HttpResponse<InputStream> response = send(path, request.build());
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      boolean restarted;
      if (offset > 0 && status == 206) {
        restarted = false;
        String range = response.headers().firstValue("Content-Range").orElse("");
        if (!range.startsWith("bytes " + offset + "-")) {
          throw new FetchException(
              FetchException.Kind.TRANSIENT,
              url(path),
              status,
              "unexpected Content-Range '" + range + "'",
              0,
              null);
        }
      } else if (offset > 0 && status == 416) {
        // Nothing left to send: the held bytes may already be the whole file; the hash decides.
        return new Download(
            false, 0, validators(response.headers()), lastModified(response.headers()));
      } else {
        checkStatus(path, response, 200);
        restarted = offset > 0;
      }
      long n;
      try (OutputStream out = sink.open(restarted || offset == 0)) {
        n = body.transferTo(out);
      } catch (IOException e) {
        throw new FetchException(
            FetchException.Kind.TRANSIENT,
            url(path),
            status,
            "body broke off: " + e,
            0,
            validators(response.headers()),
            e);
      }
      try {
        checkLength(path, response, n);
      } catch (FetchException e) {
        throw new FetchException(
            e.kind(), url(path), status, e.getMessage(), 0, validators(response.headers()), null);
      }
      return new Download(
          restarted, n, validators(response.headers()), lastModified(response.headers()));
    } catch (FetchException e) {
      throw e;
    } catch (IOException e) {
      throw new FetchException(
          FetchException.Kind.TRANSIENT, url(path), 0, "body broke off: " + e, 0, e);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url(path)))
        .timeout(readTimeout)
        .header("User-Agent", USER_AGENT)
        .GET();
  }

  private HttpResponse<InputStream> send(String path, HttpRequest request) throws IOException {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException | HttpTimeoutException e) {
      throw new FetchException(FetchException.Kind.TRANSIENT, url(path), 0, e.toString(), 0, e);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      FetchException.Kind kind =
          m.contains("redirect") ? FetchException.Kind.FATAL : FetchException.Kind.TRANSIENT;
      throw new FetchException(kind, url(path), 0, e.toString(), 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchException(FetchException.Kind.FATAL, url(path), 0, "interrupted", 0, e);
    }
  }

  private void checkStatus(String path, HttpResponse<?> response, int expected)
      throws FetchException {
    int status = response.statusCode();
    if (status == expected) return;
    FetchException.Kind kind;
    if (status == 404 || status == 410) {
      kind = FetchException.Kind.NOT_FOUND;
    } else if (status >= 500 || status == 408 || status == 429) {
      kind = FetchException.Kind.TRANSIENT;
    } else {
      kind = FetchException.Kind.FATAL;
    }
    long retryAfter = retryAfterMillis(response.headers());
    throw new FetchException(kind, url(path), status, "HTTP " + status, retryAfter, null);
  }

  private void checkLength(String path, HttpResponse<?> response, long received)
      throws FetchException {
    OptionalLong announced = response.headers().firstValueAsLong("Content-Length");
    if (announced.isPresent() && announced.getAsLong() != received) {
      throw new FetchException(
          FetchException.Kind.TRANSIENT,
          url(path),
          response.statusCode(),
          "body of " + received + " bytes, announced " + announced.getAsLong(),
          0,
          null);
    }
  }

  private static UpstreamValidators validators(HttpHeaders headers) {
    return new UpstreamValidators(
        headers.firstValue("ETag").orElse(null), headers.firstValue("Last-Modified").orElse(null));
  }

  private static Optional<Long> lastModified(HttpHeaders headers) {
    return headers.firstValue("Last-Modified").flatMap(HttpUpstream::parseHttpDate);
  }

  static Optional<Long> parseHttpDate(String value) {
    try {
      return Optional.of(
          ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant()
              .toEpochMilli());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static long retryAfterMillis(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Retry-After");
    if (value.isEmpty()) return 0;
    String v = value.get().strip();
    try {
      return Math.min(Long.parseLong(v), 300) * 1000;
    } catch (NumberFormatException e) {
      return parseHttpDate(v)
          .map(t -> Math.max(0, Math.min(t - Instant.now().toEpochMilli(), 300_000)))
          .orElse(0L);
    }
  }

  /** Percent-encodes what a URL path cannot carry raw; keeps {@code /} and Debian's {@code +~}. */
  static String encodePath(String path) {
    StringBuilder out = new StringBuilder(path.length() + 8);
    for (byte b : path.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/@!$&'()*+,;=".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
