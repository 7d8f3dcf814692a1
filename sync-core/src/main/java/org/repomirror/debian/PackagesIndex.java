package org.repomirror.debian;

import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.Optional;

/**
 * Streams the pool files a Packages index references, one stanza at a time, so that a 50 MB index
 * is never held in memory. Not thread-safe.
 */
public final class PackagesIndex implements AutoCloseable {
  private final ControlFileReader reader;

  public PackagesIndex(InputStream decompressed) {
    this.reader = new ControlFileReader(decompressed);
  }

  /**
   * The next package's file: its {@code Filename} (relative to the archive root), {@code Size} and
   * every checksum field present; empty at the end.
   *
   * @throws FormatException for a stanza without Filename, Size or any checksum, or with a bad one
   */
  public Optional<ExpectedFile> next() throws IOException {
    Optional<Stanza> next = reader.next();
    if (next.isEmpty()) return Optional.empty();
    Stanza s = next.get();
    String filename = ArchivePaths.requireSafe(s.require("Filename"), s.firstLine());
    long size;
    try {
      size = Long.parseLong(s.require("Size").strip());
      if (size < 0) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      throw new FormatException("Size of " + filename + " is not a number", s.firstLine());
    }
    EnumMap<HashAlgorithm, String> hashes = new EnumMap<>(HashAlgorithm.class);
    for (HashAlgorithm a : HashAlgorithm.values()) {
      Optional<String> hex = s.get(a.packagesField());
      if (a == HashAlgorithm.MD5 && hex.isEmpty()) {
        hex = s.get("MD5Sum");
      }
      if (hex.isPresent()) {
        String h = hex.get().strip();
        if (!a.isValidHex(h)) {
          throw new FormatException(a + " of " + filename + " is not a hash", s.firstLine());
        }
        hashes.put(a, h);
      }
    }
    if (hashes.isEmpty()) {
      throw new FormatException(filename + " has no checksum", s.firstLine());
    }
    return Optional.of(new ExpectedFile(filename, size, new Hashes(hashes)));
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
