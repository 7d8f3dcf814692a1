package org.repomirror.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.repomirror.store.ServedTree.Entry;

/**
 * The HTML index of a directory: directories first, then files, each sorted by name, with the
 * modification time in UTC and the exact size in bytes. The rows have a fixed shape so that a
 * downstream mirror can crawl them.
 */
public final class DirectoryListing {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private DirectoryListing() {}

  /**
   * Renders the page.
   *
   * @param path the directory's decoded path, with leading and trailing slash
   * @param entries the visible entries, in any order
   */
  public static byte[] render(String path, List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing((Entry e) -> !e.directory()).thenComparing(Entry::name));
    String title = escape("Index of " + path);
    StringBuilder html = new StringBuilder(256 + 160 * sorted.size());
    html.append("<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>")
        .append(title)
        .append("</title></head>\n<body>\n<h1>")
        .append(title)
        .append(
            "</h1>\n<table>\n<tr><th>Name</th><th>Last modified (UTC)</th><th>Size</th></tr>\n");
    if (!path.equals("/")) {
      html.append("<tr><td><a href=\"../\">../</a></td><td></td><td>-</td></tr>\n");
    }
    for (Entry e : sorted) {
      String name = e.directory() ? e.name() + "/" : e.name();
      html.append("<tr><td><a href=\"")
          .append(escape(encodeSegment(e.name())))
          .append(e.directory() ? "/" : "")
          .append("\">")
          .append(escape(name))
          .append("</a></td><td>")
          .append(DATE.format(Instant.ofEpochSecond(e.mtimeSecond())))
          .append("</td><td>")
          .append(e.directory() ? "-" : Long.toString(e.size()))
          .append("</td></tr>\n");
    }
    html.append("</table>\n</body>\n</html>\n");
    return html.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Percent-encodes a path segment for an href. Unreserved characters and the sub-delimiters that
   * Debian file names use ({@code + ~ : ,}) stay as they are.
   */
  public static String encodeSegment(String segment) {
    StringBuilder out = new StringBuilder(segment.length() + 8);
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~+:,=@!$()*".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Escapes text for HTML element content and attribute values. */
  public static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
