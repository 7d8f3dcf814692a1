package org.repomirror.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A directory listing as nginx's autoindex writes it: hidden entries left out, links followed for
 * their size and date, and a link that cannot be followed (dangling, looping) listed from itself,
 * as nginx lists it, although fetching it then fails.
 */
final class DirectoryPage {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm", Locale.US).withZone(ZoneOffset.UTC);

  private DirectoryPage() {}

  static byte[] of(Path root, Path dir) throws IOException {
    String title = "/" + root.relativize(dir) + (dir.equals(root) ? "" : "/");
    StringBuilder html = new StringBuilder();
    html.append("<html>\r\n<head><title>Index of ").append(title).append("</title></head>\r\n");
    html.append("<body>\r\n<h1>Index of ").append(title).append("</h1><hr><pre>");
    html.append("<a href=\"../\">../</a>\r\n");
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(children::add);
    }
    children.sort(null);
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (name.startsWith(".")) continue;
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(child, BasicFileAttributes.class);
      } catch (IOException brokenLink) {
        a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      }
      String href = escape(name) + (a.isDirectory() ? "/" : "");
      html.append("<a href=\"")
          .append(href)
          .append("\">")
          .append(name)
          .append(a.isDirectory() ? "/" : "");
      html.append("</a> ")
          .append(DATE.format(Instant.ofEpochMilli(a.lastModifiedTime().toMillis())));
      html.append(String.format(" %19s\r\n", a.isDirectory() ? "-" : Long.toString(a.size())));
    }
    html.append("</pre><hr></body>\r\n</html>\r\n");
    return html.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Percent-encodes what nginx encodes in an href; {@code + ~} stay as they are. */
  private static String escape(String name) {
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || "\"#%&'<>?".indexOf(c) >= 0) {
        out.append(String.format("%%%02X", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }
}
