package org.repomirror.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request target reduced to safe path segments under the served root.
 *
 * <p>The rules are RFC 3986 percent-decoding applied once, not form decoding: {@code +} stays
 * {@code +}, whether sent raw (legacy apt) or as {@code %2b} (modern apt). Dot-segments are
 * removed; a path that climbs above the root, contains NUL, control characters, backslashes or an
 * encoded slash, or is not valid UTF-8, is rejected with 400. A segment starting with {@code .} is
 * hidden and rejected with 404, so the state folder {@code .repomirror/} is never served.
 *
 * @param segments the decoded, normalised segments; empty for the root
 * @param trailingSlash whether the request named a directory ({@code /a/b/})
 */
public record RequestPath(List<String> segments, boolean trailingSlash) {

  public RequestPath {
    segments = List.copyOf(segments);
  }

  /** The path relative to the root, segments joined by {@code /}; empty for the root. */
  public String relative() {
    return String.join("/", segments);
  }

  /**
   * Parses a request target in origin form ({@code /a/b?q}) or absolute form ({@code
   * http://host/a/b}).
   *
   * @throws RequestRejected with 400 for malformed or escaping paths, 404 for hidden ones
   */
  public static RequestPath parse(String target) throws RequestRejected {
    return normalize(decode(rawPath(target)));
  }

  /** The still-encoded path of a request target, without query or fragment. */
  public static String rawPath(String target) throws RequestRejected {
    String path = target;
    if (startsWithIgnoreCase(path, "http://") || startsWithIgnoreCase(path, "https://")) {
      int authorityStart = path.indexOf("//") + 2;
      int slash = path.indexOf('/', authorityStart);
      int query = path.indexOf('?', authorityStart);
      if (slash < 0 || (query >= 0 && query < slash)) {
        return "/";
      }
      path = path.substring(slash);
    }
    if (!path.startsWith("/")) {
      throw new RequestRejected(400, "request target is not a path: " + abbreviate(target));
    }
    int end = path.length();
    int q = path.indexOf('?');
    if (q >= 0) end = q;
    int h = path.indexOf('#');
    if (h >= 0 && h < end) end = h;
    return path.substring(0, end);
  }

  /**
   * Percent-decodes once and checks the result. Bytes outside ASCII that a client sent raw are
   * taken as UTF-8, like the escaped ones.
   */
  public static String decode(String raw) throws RequestRejected {
    if (isPlainAscii(raw)) {
      return raw; // the common case: nothing to decode, and nothing to reject
    }
    byte[] bytes = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new RequestRejected(400, "truncated percent-escape");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new RequestRejected(400, "malformed percent-escape");
        }
        int b = (hi << 4) | lo;
        if (b == '/') {
          throw new RequestRejected(400, "encoded slash in path");
        }
        bytes[n++] = (byte) b;
        i += 2;
      } else if (c > 0xff) {
        throw new RequestRejected(400, "non-byte character in request target");
      } else {
        bytes[n++] = (byte) c;
      }
    }
    String decoded;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, n))
              .toString();
    } catch (CharacterCodingException e) {
      throw new RequestRejected(400, "path is not valid UTF-8");
    }
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new RequestRejected(400, "control character in path");
      }
      if (c == '\\') {
        throw new RequestRejected(400, "backslash in path");
      }
    }
    return decoded;
  }

  private static boolean isPlainAscii(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '%' || c == '\\') return false;
    }
    return true;
  }

  /** Splits a decoded path into segments and removes dot-segments (RFC 3986, section 5.2.4). */
  public static RequestPath normalize(String decoded) throws RequestRejected {
    if (!decoded.startsWith("/")) {
      throw new RequestRejected(400, "path must be absolute");
    }
    List<String> out = new ArrayList<>();
    String[] parts = decoded.split("/", -1);
    boolean trailingSlash = false;
    for (int i = 1; i < parts.length; i++) {
      String s = parts[i];
      boolean last = i == parts.length - 1;
      switch (s) {
        case "", "." -> trailingSlash = last;
        case ".." -> {
          if (out.isEmpty()) {
            throw new RequestRejected(400, "path climbs above the root");
          }
          out.remove(out.size() - 1);
          trailingSlash = last;
        }
        default -> {
          if (s.startsWith(".")) {
            throw new RequestRejected(404, "hidden path segment");
          }
          out.add(s);
          trailingSlash = false;
        }
      }
    }
    return new RequestPath(out, trailingSlash || out.isEmpty());
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
