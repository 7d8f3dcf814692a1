package org.repomirror.source;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
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
  private static final long NOT_FIXDATE = Long.MIN_VALUE;
  private static final String DAYS = "MonTueWedThuFriSatSun";
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

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
    String text = value.strip();
    long fixdate = imfFixdate(text);
    if (fixdate != NOT_FIXDATE) return Optional.of(fixdate);
    try {
      return Optional.of(
          ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant()
              .toEpochMilli());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * An IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the one form RFC 9110 lets servers
   * send, read by position: java.time's parser took 6 % of an autoindex copy's CPU, one
   * Last-Modified a file, and as much again in compiling it. Anything else, or out of range, is
   * {@link #NOT_FIXDATE}, left to that parser to judge.
   */
  static long imfFixdate(String s) {
    if (s.length() != 29
        || s.charAt(3) != ','
        || s.charAt(4) != ' '
        || s.charAt(7) != ' '
        || s.charAt(11) != ' '
        || s.charAt(16) != ' '
        || s.charAt(19) != ':'
        || s.charAt(22) != ':'
        || !s.endsWith(" GMT")) {
      return NOT_FIXDATE;
    }
    int day = digits(s, 5, 2);
    int at = MONTHS.indexOf(s.substring(8, 11));
    int month = at % 3 == 0 ? at / 3 + 1 : -1;
    int year = digits(s, 12, 4);
    int hour = digits(s, 17, 2);
    int minute = digits(s, 20, 2);
    int second = digits(s, 23, 2);
    if (month < 1 || year < 1 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return NOT_FIXDATE;
    }
    if (second < 0 || second > 59 || day > YearMonth.of(year, month).lengthOfMonth()) {
      return NOT_FIXDATE;
    }
    LocalDate date = LocalDate.of(year, month, day);
    if (!s.regionMatches(0, DAYS, date.getDayOfWeek().ordinal() * 3, 3)) {
      return NOT_FIXDATE;
    }
    return (date.toEpochDay() * 86_400 + hour * 3600 + minute * 60 + second) * 1000;
  }

  /** The decimal number in {@code s} from {@code from}, {@code n} digits long; -1 if not digits. */
  private static int digits(String s, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
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
