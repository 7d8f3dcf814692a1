package org.repomirror.debian;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A checksums file as {@code sha256sum} writes it, such as the {@code SHA256SUMS} that lists a
 * debian-installer's images: one {@code <hex> <path>} line per file ({@code *<path>} in binary
 * mode), paths relative to its folder and usually starting with {@code ./}. It gives no sizes.
 * Pure: it reads the stream handed to it.
 */
public final class ChecksumsFile {
  private static final int MAX_LINE = 8192;

  private ChecksumsFile() {}

  /**
   * The files it lists, by path relative to its folder, with their one checksum and no size.
   *
   * @throws FormatException naming the line when one is not {@code <hex> <path>} or its path is
   *     unsafe
   */
  public static List<ExpectedFile> entries(InputStream in, HashAlgorithm algorithm)
      throws IOException {
    List<ExpectedFile> files = new ArrayList<>();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), MAX_LINE);
    long number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      if (line.isBlank()) continue;
      int space = line.indexOf(' ');
      if (space <= 0
          || line.length() > MAX_LINE
          || !algorithm.isValidHex(line.substring(0, space))) {
        throw new FormatException("expected '<" + algorithm + "> <path>'", number);
      }
      String path = line.substring(space + 1).stripLeading();
      if (path.startsWith("*")) path = path.substring(1);
      if (path.startsWith("./")) path = path.substring(2);
      files.add(
          new ExpectedFile(
              ArchivePaths.requireSafe(path, number),
              ExpectedFile.UNKNOWN_SIZE,
              Hashes.of(algorithm, line.substring(0, space).toLowerCase(java.util.Locale.ROOT))));
    }
    return files;
  }
}
