package org.repomirror.tree.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.repomirror.debian.FormatException;

/**
 * Reads the directory index pages that Apache (mod_autoindex, plain or fancy), nginx (autoindex)
 * and repomirror itself generate: each child's name, whether it is a directory, its mtime (taken as
 * UTC, to the minute or second the page shows) and its size when the page gives it in bytes. Links
 * that do not name a direct child (sorting links, parents, absolute URLs) are ignored.
 */
public final class AutoindexParser {
  private static final int MAX_PAGE_CHARS = 64 * 1024 * 1024;
  private static final Pattern ANCHOR =
      Pattern.compile(
          "<a\\s[^>]*?href\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern CLOSE = Pattern.compile("</a\\s*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern TAG = Pattern.compile("<[^>]*>");
  private static final Pattern DATE =
      Pattern.compile(
          "(\\d{4}-\\d{2}-\\d{2}|\\d{2}-[A-Za-z]{3}-\\d{4})[ T](\\d{2}:\\d{2})(:\\d{2})?");
  private static final Pattern SIZE =
      Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?[KMGTP]|\\d+|-)(?=\\s|$)");
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
  private static final long NOT_READ = Long.MIN_VALUE;
  private static final DateTimeFormatter ISO_MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
  private static final DateTimeFormatter NGINX_MINUTE =
      DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm", Locale.ROOT);

  /**
   * One child of the listed directory.
   *
   * @param name decoded, without a trailing slash
   * @param size bytes, or -1 when the page gives none or a rounded one
   * @param mtimeMillis the start of the minute (or second) the page shows
   * @param precisionMillis 60,000 or 1,000
   */
  public record Row(
      String name, boolean directory, long size, long mtimeMillis, long precisionMillis) {}

  private AutoindexParser() {}

  /**
   * @throws FormatException when the page is not a directory index, or a row has no date
   */
  public static List<Row> parse(String html) throws FormatException {
    if (html.length() > MAX_PAGE_CHARS) throw new FormatException("page too large", 0);
    if (!html.contains("Index of")) {
      throw new FormatException("not a directory index page (no 'Index of' title)", 0);
    }
    Map<String, Row> rows = new LinkedHashMap<>();
    Matcher a = ANCHOR.matcher(html);
    List<int[]> anchors = new ArrayList<>();
    List<String> hrefs = new ArrayList<>();
    while (a.find()) {
      anchors.add(new int[] {a.start(), a.end()});
      hrefs.add(a.group(1) != null ? a.group(1) : a.group(2));
    }
    for (int i = 0; i < anchors.size(); i++) {
      String href = unescapeHtml(hrefs.get(i));
      if (!isChild(href)) continue;
      if (i + 1 < anchors.size() && hrefs.get(i + 1).equals(hrefs.get(i))) {
        continue; // an icon linked to the same child (Apache's IconsAreLinks)
      }
      boolean directory = href.endsWith("/");
      String name = percentDecode(directory ? href.substring(0, href.length() - 1) : href);
      if (name.isEmpty() || name.contains("/") || rows.containsKey(name)) continue;
      int end = i + 1 < anchors.size() ? anchors.get(i + 1)[0] : html.length();
      // The date follows the link text, which may itself look like a date.
      Matcher close = CLOSE.matcher(html).region(anchors.get(i)[1], end);
      int from = close.find() ? close.end() : anchors.get(i)[1];
      String rest = TAG.matcher(html.substring(from, end)).replaceAll(" ").replace("&nbsp;", " ");
      Matcher d = DATE.matcher(rest);
      if (!d.find()) {
        throw new FormatException("the row of '" + name + "' has no date this parser knows", 0);
      }
      long mtime = parseDate(d.group(1) + " " + d.group(2), name);
      long precision = 60_000;
      if (d.group(3) != null) {
        mtime += Long.parseLong(d.group(3).substring(1)) * 1000;
        precision = 1000;
      }
      long size = -1;
      Matcher s = SIZE.matcher(rest.substring(d.end()));
      if (!directory && s.find() && s.group(1).chars().allMatch(Character::isDigit)) {
        size = Long.parseLong(s.group(1));
      }
      rows.put(name, new Row(name, directory, size, mtime, precision));
    }
    return new ArrayList<>(rows.values());
  }

  private static boolean isChild(String href) {
    return !href.isEmpty()
        && !href.startsWith("?")
        && !href.startsWith("#")
        && !href.startsWith("/")
        && !href.startsWith(".")
        && !href.contains("://")
        && !href.contains("?")
        && !href.regionMatches(true, 0, "mailto:", 0, 7)
        && !href.regionMatches(true, 0, "javascript:", 0, 11);
  }

  private static long parseDate(String text, String name) throws FormatException {
    long read = readMinute(text);
    if (read != NOT_READ) return read;
    try {
      DateTimeFormatter f = Character.isLetter(text.charAt(3)) ? NGINX_MINUTE : ISO_MINUTE;
      return LocalDateTime.parse(text, f).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new FormatException("the row of '" + name + "' has a bad date '" + text + "'", 0);
    }
  }

  /**
   * A row's minute by position, {@code 2026-12-07 18:12} or {@code 07-Dec-2026 18:12}, whose digits
   * the DATE pattern has checked: java.time's parser took a share of an autoindex copy's CPU, one
   * date a file. {@link #NOT_READ} when out of range, for the formatter to judge.
   */
  private static long readMinute(String text) {
    boolean named = Character.isLetter(text.charAt(3));
    int at = named ? MONTHS.indexOf(text.substring(3, 6)) : -1;
    int month = named ? (at % 3 == 0 ? at / 3 + 1 : -1) : number(text, 5, 2);
    int year = number(text, named ? 7 : 0, 4);
    int day = number(text, named ? 0 : 8, 2);
    int hour = number(text, text.length() - 5, 2);
    int minute = number(text, text.length() - 2, 2);
    if (month < 1 || month > 12 || year < 1 || day < 1 || hour > 23 || minute > 59) {
      return NOT_READ;
    }
    if (day > YearMonth.of(year, month).lengthOfMonth()) return NOT_READ;
    return (LocalDate.of(year, month, day).toEpochDay() * 1440 + hour * 60 + minute) * 60_000;
  }

  private static int number(String s, int from, int n) {
    return Integer.parseInt(s, from, from + n, 10);
  }

  private static String unescapeHtml(String s) {
    return s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
  }

  /** Decodes %XX escapes as UTF-8; a {@code +} stays a plus (it is a Debian version character). */
  static String percentDecode(String s) throws FormatException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '%') {
        if (i + 2 >= bytes.length) throw new FormatException("bad escape in href '" + s + "'", 0);
        int hi = Character.digit(bytes[i + 1], 16);
        int lo = Character.digit(bytes[i + 2], 16);
        if (hi < 0 || lo < 0) throw new FormatException("bad escape in href '" + s + "'", 0);
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(bytes[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
