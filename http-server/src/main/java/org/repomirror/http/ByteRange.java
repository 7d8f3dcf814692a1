package org.repomirror.http;

/**
 * What a {@code Range} header asks of a representation of known length (RFC 9110, section 14).
 * Multiple ranges are answered with the whole representation, which the RFC allows and every apt
 * accepts.
 */
public sealed interface ByteRange {

  /** Send the whole representation with 200. */
  record Full() implements ByteRange {}

  /** Send bytes {@code first..last} (inclusive) with 206. */
  record Partial(long first, long last) implements ByteRange {
    public long length() {
      return last - first + 1;
    }
  }

  /** Answer 416 with {@code Content-Range: bytes *}{@code /length}. */
  record Unsatisfiable() implements ByteRange {}

  ByteRange FULL = new Full();
  ByteRange UNSATISFIABLE = new Unsatisfiable();

  /**
   * Reads a {@code Range} header. A missing, malformed, multi-range or non-bytes header means
   * {@link Full}: the RFC says to ignore a Range header that cannot be parsed.
   *
   * @param header the header value, or null
   * @param length the representation's length in bytes
   */
  static ByteRange parse(String header, long length) {
    if (header == null) return FULL;
    String h = header.strip();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) return FULL;
    String spec = h.substring(6).strip();
    if (spec.isEmpty() || spec.indexOf(',') >= 0) return FULL;
    int dash = spec.indexOf('-');
    if (dash < 0) return FULL;
    String a = spec.substring(0, dash).strip();
    String b = spec.substring(dash + 1).strip();
    if (a.isEmpty()) {
      long suffix = digits(b);
      if (suffix < 0) return FULL;
      if (suffix == 0 || length == 0) return UNSATISFIABLE;
      return new Partial(Math.max(0, length - suffix), length - 1);
    }
    long first = digits(a);
    if (first < 0) return FULL;
    long last;
    if (b.isEmpty()) {
      last = length - 1;
    } else {
      last = digits(b);
      if (last == -2) {
        last = Long.MAX_VALUE; // more digits than a long: "to the end"
      } else if (last < 0 || last < first) {
        return FULL;
      }
    }
    if (first >= length) return UNSATISFIABLE;
    return new Partial(first, Math.min(last, length - 1));
  }

  /** The value of a run of ASCII digits; -1 if not digits, -2 if too large for a long. */
  private static long digits(String s) {
    if (s.isEmpty() || s.length() > 19) {
      return s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9') ? -1 : -2;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
      if (v < 0) return -2;
    }
    return v;
  }
}
