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
    // Each segment non-empty and not hidden, read in place: a listing checks every path it names.
    for (int start = 0, end; start <= path.length(); start = end + 1) {
      end = path.indexOf('/', start);
      if (end < 0) end = path.length();
      if (end == start || path.charAt(start) == '.') {
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
