package org.repomirror.report;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.repomirror.debian.FormatException;

/**
 * The trace file a mirror writes after every sync at {@code project/trace/<hostname>}, in the
 * format of Debian's ftpsync: the first line is the time the sync finished as {@code date -u}
 * prints it, then one {@code Field: value} per line. As in ftpsync's traces, field names may hold
 * spaces ({@code Running on host}), which strict deb822 does not allow. Debian's mirror checkers
 * read it, and an admin compares the old and the new host with it.
 *
 * @param finished when the sync ended (the first line and {@code Date})
 * @param fields every field, in order
 */
public record TraceFile(Instant finished, Map<String, String> fields) {
  public static final String DIRECTORY = "project/trace/";
  private static final DateTimeFormatter DATE_U =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** The trace of a finished sync. */
  public static TraceFile of(
      Instant started,
      Instant finished,
      String version,
      String host,
      String upstream,
      long bytesReceived) {
    Map<String, String> f = new LinkedHashMap<>();
    long millis = Math.max(0, Duration.between(started, finished).toMillis());
    f.put("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(finished.atOffset(ZoneOffset.UTC)));
    f.put(
        "Date-Started",
        DateTimeFormatter.RFC_1123_DATE_TIME.format(started.atOffset(ZoneOffset.UTC)));
    f.put("Creator", "repomirror " + version);
    f.put("Running on host", host);
    f.put("Upstream-mirror", upstream);
    f.put("Total bytes received", Long.toString(bytesReceived));
    f.put(
        "Total time spent in sync",
        String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000));
    f.put("Average rate", bytesReceived * 1000 / Math.max(1, millis) + " B/s");
    return new TraceFile(finished, f);
  }

  public String render() {
    StringBuilder s = new StringBuilder(DATE_U.format(finished)).append('\n');
    fields.forEach((k, v) -> s.append(k).append(": ").append(v).append('\n'));
    return s.toString();
  }

  /** Writes the trace under the root, atomically. */
  /** Where the trace of a host goes, relative to the mirror's root. */
  public static String path(String host) {
    return DIRECTORY + host;
  }

  /**
   * Reads a trace (ftpsync's or ours): the {@code date -u} line, then {@code Field: value} lines.
   *
   * @throws FormatException when the first line is not a date or the fields are malformed
   */
  public static TraceFile parse(String text) throws IOException {
    int newline = text.indexOf('\n');
    String first = newline < 0 ? text : text.substring(0, newline);
    Instant finished;
    try {
      finished = ZonedDateTime.parse(first.strip(), DATE_U).toInstant();
    } catch (DateTimeParseException e) {
      throw new FormatException("not a trace file: the first line is not a date: " + first, 1);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    String[] lines = newline < 0 ? new String[0] : text.substring(newline + 1).split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].stripTrailing();
      if (line.isEmpty()) continue;
      int colon = line.indexOf(": ");
      if (colon <= 0 && !line.endsWith(":")) {
        throw new FormatException("expected 'Field: value', got '" + line + "'", i + 2);
      }
      if (colon <= 0) colon = line.length() - 1;
      fields.put(line.substring(0, colon), line.substring(Math.min(line.length(), colon + 2)));
    }
    return new TraceFile(finished, fields);
  }
}
