package org.repomirror.tree.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.repomirror.debian.ArchivePaths;
import org.repomirror.debian.FormatException;

/**
 * The manifest a repomirror instance publishes of its tree, for downstream instances to sync from.
 * A text format, one entry per line after a versioned header, gzip-compressed on the wire:
 *
 * <pre>
 * repomirror-manifest 1
 * f &lt;size&gt; &lt;mtime-ms&gt; &lt;sha256&gt; &lt;path&gt;
 * l &lt;size&gt; &lt;mtime-ms&gt; &lt;sha256&gt; &lt;path&gt; &lt;target&gt;
 * </pre>
 *
 * Fields are separated by one tab. In paths and targets, {@code %}, tab, CR and LF are written as
 * {@code %25 %09 %0D %0A}; nothing else is escaped. A link's size is its target's length and its
 * SHA-256 that of the target string. A reader of version 1 rejects any other version.
 */
public final class Manifest {
  public static final String PATH = "project/repomirror/manifest.gz";
  static final String HEADER = "repomirror-manifest 1";
  private static final int MAX_LINE = 16 * 1024;

  private Manifest() {}

  /** Writes entries, in the order given, to an (uncompressed) stream. */
  public static final class Writer implements AutoCloseable {
    private final OutputStream out;

    public Writer(OutputStream out) throws IOException {
      this.out = out;
      out.write((HEADER + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public void write(TreeEntry e) throws IOException {
      if (e.sha256() == null) throw new IllegalArgumentException("no SHA-256 for " + e.path());
      StringBuilder line = new StringBuilder(e.path().length() + 100);
      line.append(e.type() == TreeEntry.Type.FILE ? 'f' : 'l')
          .append('\t')
          .append(e.size())
          .append('\t')
          .append(e.mtimeMillis())
          .append('\t')
          .append(e.sha256())
          .append('\t')
          .append(escape(e.path()));
      if (e.type() == TreeEntry.Type.SYMLINK) line.append('\t').append(escape(e.linkTarget()));
      out.write(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /**
   * Reads a manifest (uncompressed), checking every field: a safe relative path, a link that stays
   * inside the tree, a SHA-256 of 64 hex digits.
   *
   * @throws FormatException naming the line of the first problem
   */
  public static void read(InputStream in, Consumer<TreeEntry> sink) throws IOException {
    Lines lines = new Lines(in);
    for (String line = lines.next(); line != null; line = lines.next()) {
      sink.accept(parseLine(line, lines.number()));
    }
  }

  /**
   * A manifest's entry lines, unparsed, after its header was checked: for a reader that parses them
   * on several threads ({@link #parseLine}).
   */
  public static final class Lines {
    private final LineReader lines;

    /**
     * @throws FormatException the stream is not a manifest of a version this reads
     */
    public Lines(InputStream in) throws IOException {
      lines = new LineReader(in);
      String header = lines.next();
      if (header == null || !header.startsWith("repomirror-manifest ")) {
        throw new FormatException("not a repomirror manifest", 1);
      }
      if (!header.equals(HEADER)) {
        throw new FormatException(
            "manifest version '" + header.substring(20) + "' is not supported (this reads 1)", 1);
      }
    }

    /** The next entry line, or null at the end. */
    public String next() throws IOException {
      return lines.next();
    }

    /** The 1-based number of the line {@link #next} returned last. */
    public long number() {
      return lines.number;
    }
  }

  /**
   * Parses an entry line, checking every field.
   *
   * @param n the line's number, for errors
   */
  public static TreeEntry parseLine(String line, long n) throws FormatException {
    String[] f = line.split("\t", -1);
    if (f.length < 5 || f[0].length() != 1) throw new FormatException("malformed entry", n);
    char type = f[0].charAt(0);
    if (!(type == 'f' && f.length == 5) && !(type == 'l' && f.length == 6)) {
      throw new FormatException("unknown type '" + f[0] + "' or wrong field count", n);
    }
    long size = number(f[1], "size", n);
    long mtime = number(f[2], "mtime", n);
    String sha256 = f[3];
    if (sha256.length() != 64 || !sha256.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new FormatException("bad SHA-256 '" + sha256 + "'", n);
    }
    String path = ArchivePaths.requireSafe(unescape(f[4], n), n);
    if (type == 'f') return TreeEntry.file(path, size, mtime, sha256.toLowerCase());
    String target = unescape(f[5], n);
    if (!TreePaths.linkStaysInside(path, target)) {
      throw new FormatException("link " + path + " leaves the tree", n);
    }
    return new TreeEntry(
        path, TreeEntry.Type.SYMLINK, size, mtime, 1, sha256.toLowerCase(), target);
  }

  private static long number(String s, String what, long n) throws FormatException {
    if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(Character::isDigit)) {
      throw new FormatException("bad " + what + " '" + s + "'", n);
    }
    return Long.parseLong(s);
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '%' -> out.append("%25");
        case '\t' -> out.append("%09");
        case '\r' -> out.append("%0D");
        case '\n' -> out.append("%0A");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String unescape(String s, long n) throws FormatException {
    if (s.indexOf('%') < 0) return s;
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      String code = i + 3 <= s.length() ? s.substring(i + 1, i + 3) : "";
      switch (code) {
        case "25" -> out.append('%');
        case "09" -> out.append('\t');
        case "0D" -> out.append('\r');
        case "0A" -> out.append('\n');
        default -> throw new FormatException("bad escape in '" + s + "'", n);
      }
      i += 2;
    }
    return out.toString();
  }

  /** UTF-8 lines of bounded length. */
  private static final class LineReader {
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    long number;

    LineReader(InputStream in) {
      this.in = in;
    }

    String next() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream(128);
      while (true) {
        if (pos == limit) {
          limit = in.read(buffer);
          pos = 0;
          if (limit <= 0) {
            limit = 0;
            if (line.size() == 0) return null;
            throw new FormatException("the last line has no newline (truncated?)", number + 1);
          }
        }
        int start = pos;
        while (pos < limit && buffer[pos] != '\n') pos++;
        line.write(buffer, start, pos - start);
        if (line.size() > MAX_LINE) throw new FormatException("line too long", number + 1);
        if (pos < limit) {
          pos++;
          number++;
          return line.toString(StandardCharsets.UTF_8);
        }
      }
    }
  }
}
