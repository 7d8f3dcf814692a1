package org.repomirror.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * HTTP dates (RFC 9110, section 5.6.7). Writes the IMF-fixdate form, e.g. {@code Thu, 26 Nov 2026
 * 10:00:00 GMT}, which legacy apt needs; reads that form plus the obsolete RFC 850 and asctime
 * forms. Thread-safe.
 */
public final class HttpDates {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private static volatile CachedNow cachedNow = new CachedNow(-1, "");

  private record CachedNow(long second, String text) {}

  private HttpDates() {}

  /** Formats seconds since the epoch as an IMF-fixdate. */
  public static String format(long epochSecond) {
    return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
  }

  /** The current time as an IMF-fixdate, formatted at most once a second. */
  public static String now(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    CachedNow c = cachedNow;
    if (c.second != second) {
      c = new CachedNow(second, format(second));
      cachedNow = c;
    }
    return c.text;
  }

  /** Reads an HTTP date into seconds since the epoch; empty when it is not a valid date. */
  public static OptionalLong parse(String text) {
    if (text == null) return OptionalLong.empty();
    String s = text.strip();
    try {
      return OptionalLong.of(Instant.from(IMF_FIXDATE.parse(s)).getEpochSecond());
    } catch (DateTimeParseException e) {
      // fall through to the obsolete forms
    }
    try {
      LocalDateTime t = LocalDateTime.parse(s, RFC_850);
      // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
      if (t.getYear() > LocalDateTime.now(ZoneOffset.UTC).getYear() + 50) {
        t = t.minusYears(100);
      }
      return OptionalLong.of(t.toEpochSecond(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      return OptionalLong.of(LocalDateTime.parse(s, ASCTIME).toEpochSecond(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return OptionalLong.empty();
    }
  }
}
