package org.repomirror.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes, written one way: a number alone ({@code 512}), or with a binary unit ({@code
 * 64KiB}, {@code 64MiB}, {@code 2GiB}, {@code 1TiB}), with no space between. Decimal units ({@code
 * 64MB}) are refused rather than guessed at.
 */
public record ByteSize(long bytes) {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,15})(KiB|MiB|GiB|TiB)?");

  /** What a size written another way most likely meant: the number and its unit, loosely. */
  private static final Pattern LOOSE = Pattern.compile("(\\d{1,15})\\s*([kmgt])(i?b)?");

  private static final Map<String, Long> UNITS =
      Map.of("KiB", 1L << 10, "MiB", 1L << 20, "GiB", 1L << 30, "TiB", 1L << 40);

  public ByteSize {
    if (bytes < 0) {
      throw new InvalidValueException(null, "size must not be negative");
    }
  }

  /**
   * @throws InvalidValueException when the text is not a number with an optional binary unit
   */
  public static ByteSize parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      String expected =
          "expected a size like 512, 64KiB, 64MiB or 2GiB (powers of 1024), got '" + text + "'";
      Matcher loose = LOOSE.matcher(text.strip().toLowerCase(Locale.ROOT));
      if (loose.matches()) {
        expected +=
            "; did you mean " + loose.group(1) + loose.group(2).toUpperCase(Locale.ROOT) + "iB?";
      }
      throw new InvalidValueException(null, expected);
    }
    long n = Long.parseLong(m.group(1));
    long scale = m.group(2) == null ? 1 : UNITS.get(m.group(2));
    if (n > Long.MAX_VALUE / scale) {
      throw new InvalidValueException(null, "size too large: '" + text + "'");
    }
    return new ByteSize(n * scale);
  }
}
