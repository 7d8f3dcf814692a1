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

  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  /**
   * Formats seconds since the epoch as an IMF-fixdate. Written out by hand: it runs for every
   * response, and DateTimeFormatter costs several times more.
   */
  public static String format(long epochSecond) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
    }
    char[] c = new char[29];
    String day = DAYS[t.getDayOfWeek().ordinal()];
    String month = MONTHS[t.getMonthValue() - 1];
    c[0] = day.charAt(0);
    c[1] = day.charAt(1);
    c[2] = day.charAt(2);
    c[3] = ',';
    c[4] = ' ';
    two(c, 5, t.getDayOfMonth());
    c[7] = ' ';
    c[8] = month.charAt(0);
    c[9] = month.charAt(1);
    c[10] = month.charAt(2);
    c[11] = ' ';
    two(c, 12, year / 100);
    two(c, 14, year % 100);
    c[16] = ' ';
    two(c, 17, t.getHour());
    c[19] = ':';
    two(c, 20, t.getMinute());
    c[22] = ':';
    two(c, 23, t.getSecond());
    c[25] = ' ';
    c[26] = 'G';
    c[27] = 'M';
    c[28] = 'T';
    return new String(c);
  }

  private static void two(char[] c, int at, int value) {
    c[at] = (char) ('0' + value / 10);
    c[at + 1] = (char) ('0' + value % 10);
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
