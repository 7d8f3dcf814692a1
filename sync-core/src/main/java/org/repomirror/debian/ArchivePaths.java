package org.repomirror.debian;

/**
 * Checks paths taken from indexes before they reach the filesystem: an index is input from the
 * network, and {@code Filename: ../../etc/passwd} must not escape the mirror.
 */
public final class ArchivePaths {
  private ArchivePaths() {}

  /**
   * Returns the path if it is a plain relative path: no leading {@code /}, no empty, {@code .},
   * {@code ..} or hidden ({@code .x}) segments, no backslash, NUL or control characters.
   *
   * @throws FormatException naming the path and the line
   */
  public static String requireSafe(String path, long line) throws FormatException {
    if (path.isEmpty() || path.length() > 4096) {
      throw new FormatException("path is empty or too long", line);
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw new FormatException("unsafe character in path '" + printable(path) + "'", line);
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.startsWith(".")) {
        throw new FormatException("unsafe path '" + printable(path) + "'", line);
      }
    }
    return path;
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), 120); i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString();
  }
}
