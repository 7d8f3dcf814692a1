package org.repomirror.server;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One answered request.
 *
 * @param remoteAddress the client's IP address
 * @param epochMillis when the request arrived
 * @param requestLine the request line as received, e.g. {@code GET /dists/x/Release HTTP/1.1}
 * @param status the status sent
 * @param bodyBytes body bytes sent; 0 for HEAD, 304 and failed transfers
 * @param referer the Referer header, or null
 * @param userAgent the User-Agent header, or null
 */
record AccessLogEntry(
    String remoteAddress,
    long epochMillis,
    String requestLine,
    int status,
    long bodyBytes,
    String referer,
    String userAgent) {

  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

  /** The entry in the combined log format of Apache and nginx. */
  public String combined() {
    return remoteAddress
        + " - - ["
        + CLF_TIME.format(Instant.ofEpochMilli(epochMillis))
        + "] \""
        + quoted(requestLine)
        + "\" "
        + status
        + " "
        + (bodyBytes > 0 ? Long.toString(bodyBytes) : "-")
        + " \""
        + quoted(referer == null ? "-" : referer)
        + "\" \""
        + quoted(userAgent == null ? "-" : userAgent)
        + "\"";
  }

  /** Escapes quotes, backslashes and control characters, as nginx does, so a line stays a line. */
  private static String quoted(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean escape = c == '"' || c == '\\' || c < 0x20 || c >= 0x7f;
      if (escape && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        if (escape) {
          out.append(String.format("\\x%02X", c & 0xff));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? s : out.toString();
  }
}
