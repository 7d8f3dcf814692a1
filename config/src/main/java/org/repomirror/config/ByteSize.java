package org.repomirror.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes, written {@code 0}, {@code 512}, {@code 64KiB}, {@code 64MiB}, {@code 2GiB}
 * (powers of 1024) or {@code 10MB} (powers of 1000).
 */
public record ByteSize(long bytes) {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*([kmgt]i?b|b)?");

  public ByteSize {
    if (bytes < 0) {
      throw new InvalidValueException(null, "size must not be negative");
    }
  }

  /**
   * @throws InvalidValueException when the text is not a number with an optional unit
   */
  public static ByteSize parse(String text) {
    Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new InvalidValueException(
          null, "expected a size like 512, 64KiB, 64MiB or 2GiB, got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long scale =
        switch (unit) {
          case "kib" -> 1L << 10;
          case "mib" -> 1L << 20;
          case "gib" -> 1L << 30;
          case "tib" -> 1L << 40;
          case "kb" -> 1_000L;
          case "mb" -> 1_000_000L;
          case "gb" -> 1_000_000_000L;
          case "tb" -> 1_000_000_000_000L;
          default -> 1L;
        };
    if (n > Long.MAX_VALUE / scale) {
      throw new InvalidValueException(null, "size too large: '" + text + "'");
    }
    return new ByteSize(n * scale);
  }
}
