package org.repomirror.debian;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed Release (or the signed text of an InRelease): its fields and the files its hash lists
 * name, each with its size and every checksum given for it.
 *
 * @param files the listed files in order of first appearance; paths are relative to the Release's
 *     folder
 */
public record ReleaseFile(
    Stanza fields,
    List<ExpectedFile> files,
    Optional<Instant> date,
    Optional<Instant> validUntil,
    List<String> components,
    List<String> architectures,
    boolean acquireByHash) {

  private static final DateTimeFormatter RFC_1123_ZONE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss zzz", Locale.US);

  public ReleaseFile {
    files = List.copyOf(files);
    components = List.copyOf(components);
    architectures = List.copyOf(architectures);
  }

  /** Parses Release text. */
  public static ReleaseFile parse(byte[] text) throws FormatException {
    try {
      return parse(new ByteArrayInputStream(text));
    } catch (FormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading memory failed", e);
    }
  }

  /**
   * Parses Release text from a stream.
   *
   * @throws FormatException when the text is not one stanza, a hash line is malformed, or the lists
   *     disagree about a file's size
   */
  public static ReleaseFile parse(InputStream in) throws IOException {
    ControlFileReader reader = new ControlFileReader(in);
    Stanza stanza = reader.next().orElseThrow(() -> new FormatException("empty Release file", 0));
    if (reader.next().isPresent()) {
      throw new FormatException("a Release file has one stanza, this one has more", 0);
    }
    Map<String, ExpectedFile> files = new LinkedHashMap<>();
    boolean anyList = false;
    for (HashAlgorithm algorithm : HashAlgorithm.values()) {
      Optional<String> list = stanza.get(algorithm.releaseField());
      if (list.isEmpty()) continue;
      anyList = true;
      long line = stanza.firstLine();
      for (String entry : list.get().split("\n")) {
        line++;
        if (entry.isBlank()) continue;
        String[] parts = entry.strip().split("\\s+");
        if (parts.length != 3) {
          throw new FormatException(
              algorithm.releaseField()
                  + ": expected '<hash> <size> <path>', got '"
                  + entry.strip()
                  + "'",
              0);
        }
        if (!algorithm.isValidHex(parts[0])) {
          throw new FormatException(
              algorithm.releaseField() + ": '" + parts[0] + "' is not a " + algorithm + " hash", 0);
        }
        long size = parseSize(parts[1], algorithm.releaseField());
        String path = ArchivePaths.requireSafe(parts[2], 0);
        ExpectedFile next = new ExpectedFile(path, size, Hashes.of(algorithm, parts[0]));
        ExpectedFile known = files.get(path);
        if (known == null) {
          files.put(path, next);
        } else if (known.size() != size) {
          throw new FormatException(
              "lists disagree on the size of " + path + ": " + known.size() + " and " + size, 0);
        } else {
          try {
            files.put(path, new ExpectedFile(path, size, known.hashes().merge(next.hashes())));
          } catch (IllegalArgumentException e) {
            throw new FormatException(path + ": " + e.getMessage(), 0);
          }
        }
      }
    }
    if (!anyList) {
      throw new FormatException("Release lists no files (no MD5Sum, SHA1, SHA256 or SHA512)", 0);
    }
    return new ReleaseFile(
        stanza,
        new ArrayList<>(files.values()),
        stanza.get("Date").flatMap(ReleaseFile::parseDate),
        stanza.get("Valid-Until").flatMap(ReleaseFile::parseDate),
        words(stanza.get("Components")),
        words(stanza.get("Architectures")),
        stanza.get("Acquire-By-Hash").map(v -> v.equalsIgnoreCase("yes")).orElse(false));
  }

  /** The entry for a path, if the Release lists it. */
  public Optional<ExpectedFile> file(String path) {
    return files.stream().filter(f -> f.path().equals(path)).findFirst();
  }

  private static long parseSize(String text, String field) throws FormatException {
    try {
      long size = Long.parseLong(text);
      if (size < 0) throw new NumberFormatException();
      return size;
    } catch (NumberFormatException e) {
      throw new FormatException(field + ": '" + text + "' is not a size", 0);
    }
  }

  private static List<String> words(Optional<String> value) {
    return value
        .map(v -> Arrays.stream(v.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList())
        .orElse(List.of());
  }

  /** Reads Release dates such as {@code Sat, 10 Jun 2023 09:35:50 UTC}; empty if unreadable. */
  static Optional<Instant> parseDate(String text) {
    String s = text.strip().replaceAll("\\s+", " ");
    try {
      return Optional.of(ZonedDateTime.parse(s, RFC_1123_ZONE).toInstant());
    } catch (DateTimeParseException e) {
      try {
        return Optional.of(
            ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException e2) {
        return Optional.empty();
      }
    }
  }
}
