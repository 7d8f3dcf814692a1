package org.repomirror.config;

import java.nio.file.Path;

/**
 * Where the access log goes: nowhere, standard output, or a file.
 *
 * @param file the log file; null unless the kind is {@link Kind#FILE}
 */
public record AccessLogTarget(Kind kind, Path file) {
  public static final AccessLogTarget OFF = new AccessLogTarget(Kind.OFF, null);
  public static final AccessLogTarget STDOUT = new AccessLogTarget(Kind.STDOUT, null);

  /** The three kinds of target. */
  public enum Kind {
    OFF,
    STDOUT,
    FILE
  }

  public AccessLogTarget {
    if ((kind == Kind.FILE) != (file != null)) {
      throw new InvalidValueException(null, "a file target needs a path, and only it");
    }
  }

  /** Reads {@code off}, {@code -} (standard output) or a file path. */
  public static AccessLogTarget parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new InvalidValueException(null, "expected off, - or a file path");
    }
    return switch (s) {
      case "off", "false" -> OFF;
      case "-", "stdout" -> STDOUT;
      default -> new AccessLogTarget(Kind.FILE, Path.of(s));
    };
  }
}
