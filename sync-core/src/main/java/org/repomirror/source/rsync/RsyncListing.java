package org.repomirror.source.rsync;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the lines of {@code rsync --list-only --no-human-readable} run with {@code TZ=UTC}: {@code
 * -rw-r--r-- 3000000 2026/12/06 19:13:26 pool/main/a/big}, and {@code name -> target} for a
 * symbolic link. Pure.
 */
public final class RsyncListing {
  private static final Pattern LINE =
      Pattern.compile(
          "^(\\S)\\S{9}\\s+(\\d+) (\\d{4})/(\\d\\d)/(\\d\\d) (\\d\\d):(\\d\\d):(\\d\\d) (.+)$");

  /** How precise a listed mtime is: rsync lists whole seconds. */
  public static final long MTIME_PRECISION_MILLIS = 1000;

  private RsyncListing() {}

  /** What a line lists. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    /** A device, socket or pipe. */
    OTHER
  }

  /**
   * One listed entry.
   *
   * @param path as rsync names it, relative to the listed root
   * @param linkTarget where a symbolic link points; null for anything else
   */
  public record Entry(Type type, String path, long size, long mtimeMillis, String linkTarget) {}

  /** The entry a line lists; empty for a line that lists none (a message, the root itself). */
  public static Optional<Entry> parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) return Optional.empty();
    Type type =
        switch (m.group(1).charAt(0)) {
          case '-' -> Type.FILE;
          case 'd' -> Type.DIRECTORY;
          case 'l' -> Type.SYMLINK;
          default -> Type.OTHER;
        };
    long mtime =
        LocalDateTime.of(
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                Integer.parseInt(m.group(6)),
                Integer.parseInt(m.group(7)),
                Integer.parseInt(m.group(8)))
            .toInstant(ZoneOffset.UTC)
            .toEpochMilli();
    String name = m.group(9);
    String target = null;
    if (type == Type.SYMLINK) {
      int arrow = name.indexOf(" -> ");
      if (arrow < 0) return Optional.empty();
      target = name.substring(arrow + 4);
      name = name.substring(0, arrow);
    }
    if (name.equals(".")) return Optional.empty();
    return Optional.of(new Entry(type, name, Long.parseLong(m.group(2)), mtime, target));
  }
}
