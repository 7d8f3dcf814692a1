package org.repomirror.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
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
  // The weekday is left out when reading: it is redundant, and clients get it wrong.
  private static final DateTimeFormatter IMF_FIXDATE_NO_WEEKDAY =
      DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
  private static final DateTimeFormatter RFC_850_NO_WEEKDAY =
      new DateTimeFormatterBuilder()
          .appendPattern("dd-MMM-")
          .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
          .appendPattern(" HH:mm:ss 'GMT'")
          .toFormatter(Locale.US);
  private static final DateTimeFormatter ASCTIME_NO_WEEKDAY =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss yyyy", Locale.US);

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
    int comma = s.indexOf(", ");
    if (comma > 0) {
      String rest = s.substring(comma + 2);
      DateTimeFormatter form = comma == 3 ? IMF_FIXDATE_NO_WEEKDAY : RFC_850_NO_WEEKDAY;
      return parse(rest, form);
    }
    return s.length() > 4 ? parse(s.substring(4), ASCTIME_NO_WEEKDAY) : OptionalLong.empty();
  }

  private static OptionalLong parse(String text, DateTimeFormatter form) {
    try {
      return OptionalLong.of(LocalDateTime.parse(text, form).toEpochSecond(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return OptionalLong.empty();
    }
  }
}
