package org.repomirror.tree.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.repomirror.debian.FormatException;

/**
 * A manifest brought up to date from the one before it and the entries of the paths changed since,
 * without the entries of the rest: their lines are copied as they were. The result is the manifest
 * that writing every entry would give, byte for byte, as both are in the order of the paths' UTF-8
 * bytes, the index's.
 */
public final class ManifestPatch {
  private static final byte[] HEADER = (Manifest.HEADER + "\n").getBytes(StandardCharsets.UTF_8);

  private ManifestPatch() {}

  /** A changed path, by the bytes it sorts by, and its entry now. */
  private record Change(byte[] key, Optional<TreeEntry> entry) {}

  /**
   * Writes the manifest before with the line of each changed path replaced by its entry now, or
   * left out when it has none, and a changed path it lacked put in its place.
   *
   * @param before a manifest, uncompressed
   * @param now each changed path's entry now, or empty when it has none
   * @param out a writer that has written only the header
   * @throws FormatException when the manifest before is not one this writes: another version, a
   *     line too long or malformed, or paths out of order. Write every entry instead.
   */
  public static void apply(
      InputStream before, Map<String, Optional<TreeEntry>> now, Manifest.Writer out)
      throws IOException {
    List<Change> changes = new ArrayList<>(now.size());
    now.forEach((path, e) -> changes.add(new Change(path.getBytes(StandardCharsets.UTF_8), e)));
    changes.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    Lines lines = new Lines(before);
    if (!lines.next() || !lines.is(HEADER)) {
      throw new FormatException("not a manifest of version 1", 1);
    }
    int next = 0;
    byte[] previous = null;
    while (lines.next()) {
      byte[] path = lines.path();
      if (previous != null && Arrays.compareUnsigned(previous, path) >= 0) {
        throw new FormatException("paths out of order", lines.number);
      }
      previous = path;
      while (next < changes.size() && Arrays.compareUnsigned(changes.get(next).key(), path) < 0) {
        write(changes.get(next++), out);
      }
      if (next < changes.size() && Arrays.equals(changes.get(next).key(), path)) {
        write(changes.get(next++), out);
      } else {
        lines.copyTo(out);
      }
    }
    while (next < changes.size()) write(changes.get(next++), out);
  }

  private static void write(Change c, Manifest.Writer out) throws IOException {
    if (c.entry().isPresent()) out.write(c.entry().get());
  }

  /** A manifest's lines as bytes, each with its newline, in a buffer reused from line to line. */
  private static final class Lines {
    private final InputStream in;
    private byte[] buffer = new byte[64 * 1024];
    private int start; // of the current line
    private int end; // after its newline
    private int limit; // of the bytes read
    long number;

    Lines(InputStream in) {
      this.in = in;
    }

    /** Moves to the next line; false at the end of the stream. */
    boolean next() throws IOException {
      start = end;
      while (true) {
        for (int i = start; i < limit; i++) {
          if (buffer[i] == '\n') {
            end = i + 1;
            number++;
            return true;
          }
        }
        if (limit - start > Manifest.MAX_LINE) {
          throw new FormatException("line too long", number + 1);
        }
        if (start > 0) {
          System.arraycopy(buffer, start, buffer, 0, limit - start);
          limit -= start;
          start = 0;
          end = 0;
        }
        if (limit == buffer.length) buffer = Arrays.copyOf(buffer, buffer.length * 2);
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
          if (limit > start) throw new FormatException("last line without its end", number + 1);
          return false;
        }
        limit += n;
      }
    }

    boolean is(byte[] line) {
      return Arrays.equals(buffer, start, end, line, 0, line.length);
    }

    /** The path of an entry line, unescaped, as UTF-8 bytes: its fifth field. */
    byte[] path() throws FormatException {
      int from = start;
      for (int tabs = 0; tabs < 4; tabs++) {
        while (from < end && buffer[from] != '\t') from++;
        if (from == end) throw new FormatException("malformed entry", number);
        from++;
      }
      int to = from;
      boolean escaped = false;
      while (to < end - 1 && buffer[to] != '\t') {
        if (buffer[to] == '%') escaped = true;
        to++;
      }
      if (!escaped) return Arrays.copyOfRange(buffer, from, to);
      return Manifest.unescape(new String(buffer, from, to - from, StandardCharsets.UTF_8), number)
          .getBytes(StandardCharsets.UTF_8);
    }

    void copyTo(Manifest.Writer out) throws IOException {
      out.copy(buffer, start, end - start);
    }
  }
}
