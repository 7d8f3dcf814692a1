package org.repomirror.source;

import java.io.IOException;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;

/**
 * What an HTTP answer says, read alike from the pipelined and the blocking client: its status
 * classified, its validators and dates; and a failure in words an admin reads. Pure.
 */
final class HttpAnswers {
  private HttpAnswers() {}

  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /**
   * Throws the status classified unless it is the one expected: NOT_FOUND for 404 and 410,
   * TRANSIENT for 5xx, 408 and 429 (with what Retry-After asks), FATAL for the rest.
   */
  static void requireStatus(String url, HttpResponse response, int expected, Clock clock)
      throws FetchException {
    int status = response.getCode();
    if (status == expected) return;
    FetchException.Kind kind;
    if (status == 404 || status == 410) {
      kind = FetchException.Kind.NOT_FOUND;
    } else if (status >= 500 || status == 408 || status == 429) {
      kind = FetchException.Kind.TRANSIENT;
    } else {
      kind = FetchException.Kind.FATAL;
    }
    throw new FetchException(
        kind, url, status, "HTTP " + status, retryAfterMillis(response, clock), null);
  }

  static String header(HttpResponse response, String name) {
    Header h = response.getFirstHeader(name);
    return h == null ? null : h.getValue();
  }

  static UpstreamValidators validators(HttpResponse response) {
    return new UpstreamValidators(header(response, "ETag"), header(response, "Last-Modified"));
  }

  static Optional<Long> lastModified(HttpResponse response) {
    return Optional.ofNullable(header(response, "Last-Modified"))
        .flatMap(HttpAnswers::parseHttpDate);
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

  /** What Retry-After asks for, in seconds or as a date, at most 5 minutes; 0 without one. */
  private static long retryAfterMillis(HttpResponse response, Clock clock) {
    String v = header(response, "Retry-After");
    if (v == null) return 0;
    try {
      return Math.min(Long.parseLong(v.strip()), 300) * 1000;
    } catch (NumberFormatException e) {
      return parseHttpDate(v)
          .map(t -> Math.max(0, Math.min(t - clock.millis(), 300_000)))
          .orElse(0L);
    }
  }

  /**
   * A Java exception's name that a message quotes from its cause, such as TLS's {@code
   * sun.security.provider.certpath.SunCertPathBuilderException: }.
   */
  private static final java.util.regex.Pattern CLASS_NAME =
      java.util.regex.Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error): ");

  private static String withoutClassNames(String message) {
    return CLASS_NAME.matcher(message).replaceAll("");
  }

  /** What went wrong, in words an admin reads: no Java class names. */
  static String describe(IOException e) {
    String message = e.getMessage() == null ? "" : withoutClassNames(e.getMessage());
    if (e instanceof java.net.UnknownHostException) return "unknown host " + message;
    if (e instanceof java.net.ConnectException) {
      return "cannot connect (" + lastPart(message).toLowerCase(java.util.Locale.ROOT) + ")";
    }
    if (e instanceof java.net.SocketTimeoutException
        || e instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
      return "timed out";
    }
    if (e instanceof javax.net.ssl.SSLException) return "TLS failed: " + message;
    if (e instanceof ClientProtocolException) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return "protocol error: " + (cause.getMessage() != null ? cause.getMessage() : message);
    }
    if (e instanceof java.net.SocketException) return "connection broke (" + message + ")";
    return message.isEmpty() ? "I/O error" : message;
  }

  /**
   * The end of a nested message: "Connect to … failed: Connection refused" → "Connection refused".
   */
  private static String lastPart(String message) {
    int at = message.lastIndexOf(": ");
    return at >= 0 ? message.substring(at + 2) : message;
  }
}
