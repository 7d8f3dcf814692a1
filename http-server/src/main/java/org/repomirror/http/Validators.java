package org.repomirror.http;

import java.util.OptionalLong;

/**
 * Conditional requests (RFC 9110, section 13) against a file's validators: a strong ETag derived
 * from size and mtime, and Last-Modified at one-second resolution.
 *
 * <p>The ETag has nginx's form, {@code "<mtime hex>-<size hex>"}, so it is the same across
 * restarts, across hosts holding the same file with the same mtime, and across a switch between
 * nginx and repomirror.
 */
public final class Validators {

  /** The outcome of the preconditions, evaluated in the RFC's order. */
  public enum Precondition {
    /** Serve the representation (full or ranged). */
    PROCEED,
    /** Answer 304 Not Modified. */
    NOT_MODIFIED,
    /** Answer 412 Precondition Failed. */
    FAILED
  }

  private Validators() {}

  /** The strong ETag of a file. */
  public static String etag(long size, long mtimeSecond) {
    return "\"" + Long.toHexString(mtimeSecond) + "-" + Long.toHexString(size) + "\"";
  }

  /**
   * Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since for a GET or HEAD
   * (RFC 9110, section 13.2.2). Each argument may be null when the header is absent.
   * If-Modified-Since matches only the exact Last-Modified, as nginx's default {@code
   * if_modified_since exact}: a client that holds another version of a suite's file, later or
   * earlier, gets the file, never a 304 that would leave it with a Release its Release.gpg does not
   * sign.
   */
  public static Precondition evaluate(
      String ifMatch,
      String ifUnmodifiedSince,
      String ifNoneMatch,
      String ifModifiedSince,
      String etag,
      long mtimeSecond) {
    if (ifMatch != null) {
      if (!matchesAny(ifMatch, etag, true)) return Precondition.FAILED;
    } else if (ifUnmodifiedSince != null) {
      OptionalLong date = HttpDates.parse(ifUnmodifiedSince);
      if (date.isPresent() && mtimeSecond > date.getAsLong()) return Precondition.FAILED;
    }
    if (ifNoneMatch != null) {
      if (matchesAny(ifNoneMatch, etag, false)) return Precondition.NOT_MODIFIED;
    } else if (ifModifiedSince != null) {
      OptionalLong date = HttpDates.parse(ifModifiedSince);
      if (date.isPresent() && mtimeSecond == date.getAsLong()) return Precondition.NOT_MODIFIED;
    }
    return Precondition.PROCEED;
  }

  /**
   * Whether a Range may be honoured given If-Range (RFC 9110, section 13.1.5): yes when there is no
   * If-Range, when it is our ETag (strong comparison), or when it is exactly our Last-Modified.
   * Anything else, including a date we cannot parse, means the whole file is sent.
   */
  public static boolean rangeApplies(String ifRange, String etag, long mtimeSecond) {
    if (ifRange == null) return true;
    String v = ifRange.strip();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      return v.equals(etag);
    }
    OptionalLong date = HttpDates.parse(v);
    return date.isPresent() && date.getAsLong() == mtimeSecond;
  }

  /** Whether a list of entity tags (or {@code *}) contains ours. */
  static boolean matchesAny(String header, String etag, boolean strong) {
    String h = header.strip();
    if (h.equals("*")) return true;
    for (String candidate : h.split(",")) {
      String c = candidate.strip();
      boolean weak = c.startsWith("W/");
      if (weak) {
        if (strong) continue;
        c = c.substring(2);
      }
      if (c.equals(etag)) return true;
    }
    return false;
  }
}
