package org.repomirror.debian;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * Reads deb822 stanzas (Packages, Sources, Release, control files) from a stream, one at a time. It
 * never holds more than one stanza; a line longer than {@code maxFieldSize}, a field or a stanza
 * larger than its cap, fails with a {@link FormatException} rather than growing without bound.
 * Lines starting with {@code #} are comments. Not thread-safe.
 */
final class ControlFileReader implements Closeable {
  /** Large enough for the hash lists of any real Release file. */
  public static final int DEFAULT_MAX_FIELD_SIZE = 16 * 1024 * 1024;

  private final InputStream in;
  private final int maxFieldSize;
  private final long maxStanzaSize;
  private final ByteArrayOutputStream lineBuffer = new ByteArrayOutputStream(256);
  private final byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int limit;
  private long lineNumber;
  private boolean eof;

  public ControlFileReader(InputStream in) {
    this(in, DEFAULT_MAX_FIELD_SIZE);
  }

  public ControlFileReader(InputStream in, int maxFieldSize) {
    this.in = in;
    this.maxFieldSize = maxFieldSize;
    this.maxStanzaSize = 4L * maxFieldSize;
  }

  /**
   * The next stanza, or empty at the end of the input.
   *
   * @throws FormatException for malformed input, with its line number
   */
  public Optional<Stanza> next() throws IOException {
    LinkedHashMap<String, String> fields = new LinkedHashMap<>();
    String name = null;
    StringBuilder value = null;
    long stanzaSize = 0;
    long firstLine = 0;
    String line;
    while ((line = readLine()) != null) {
      if (line.startsWith("#")) {
        continue;
      }
      if (line.isBlank()) {
        if (name != null) break;
        continue; // blank lines between or before stanzas
      }
      stanzaSize += line.length();
      if (stanzaSize > maxStanzaSize) {
        throw new FormatException("stanza larger than " + maxStanzaSize + " bytes", lineNumber);
      }
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        if (name == null) {
          throw new FormatException("continuation line before any field", lineNumber);
        }
        if (value.length() + line.length() > maxFieldSize) {
          throw new FormatException(
              "field " + name + " larger than " + maxFieldSize + " bytes", lineNumber);
        }
        value.append('\n').append(line, 1, line.length());
        continue;
      }
      if (name != null) {
        put(fields, name, value);
      } else {
        firstLine = lineNumber;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new FormatException(
            "expected 'Field: value', got '" + abbreviate(line) + "'", lineNumber);
      }
      name = line.substring(0, colon);
      if (!validName(name)) {
        throw new FormatException("invalid field name '" + abbreviate(name) + "'", lineNumber);
      }
      value = new StringBuilder(line.substring(colon + 1).strip());
    }
    if (name == null) {
      return Optional.empty();
    }
    put(fields, name, value);
    return Optional.of(new Stanza(fields, firstLine));
  }

  private void put(LinkedHashMap<String, String> fields, String name, StringBuilder value)
      throws FormatException {
    for (String existing : fields.keySet()) {
      if (existing.equalsIgnoreCase(name)) {
        throw new FormatException("duplicate field " + name, lineNumber);
      }
    }
    fields.put(name, value.toString().stripTrailing());
  }

  private static boolean validName(String name) {
    char first = name.charAt(0);
    if (first == '-' || first == '#') return false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f) return false;
    }
    return true;
  }

  /** One line without its terminator (LF or CRLF), or null at the end. */
  private String readLine() throws IOException {
    if (eof) return null;
    lineBuffer.reset();
    while (true) {
      if (pos == limit) {
        limit = in.read(buffer);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          eof = true;
          if (lineBuffer.size() == 0) return null;
          return finishLine(lineBuffer.toByteArray(), 0, lineBuffer.size());
        }
      }
      int start = pos;
      while (pos < limit && buffer[pos] != '\n') pos++;
      int length = pos - start;
      if (lineBuffer.size() + length > maxFieldSize) {
        throw new FormatException("line longer than " + maxFieldSize + " bytes", lineNumber + 1);
      }
      if (pos < limit) {
        pos++; // the newline
        if (lineBuffer.size() == 0) {
          return finishLine(buffer, start, length);
        }
        lineBuffer.write(buffer, start, length);
        return finishLine(lineBuffer.toByteArray(), 0, lineBuffer.size());
      }
      lineBuffer.write(buffer, start, length);
    }
  }

  private String finishLine(byte[] bytes, int offset, int length) throws FormatException {
    lineNumber++;
    int n = length;
    if (n > 0 && bytes[offset + n - 1] == '\r') n--;
    for (int i = offset; i < offset + n; i++) {
      if (bytes[i] == 0) {
        throw new FormatException("NUL byte: binary data, not a control file", lineNumber);
      }
    }
    return new String(bytes, offset, n, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
