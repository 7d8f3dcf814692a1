package org.repomirror.debian;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The patches an index's {@code .diff/Index} names for download, as dak writes it: the {@code
 * <hash>-Download} lists of the merged patches ({@code T-<date>-F-<date>.gz}) and the {@code
 * X-Unmerged-<hash>-Download} lists of the older, unmerged ones, each line {@code <hex> <size>
 * <name>}. apt fetches these names beside the Index. Pure: it reads the stream handed to it.
 */
public final class PdiffIndex {
  private PdiffIndex() {}

  /**
   * The files to download, by name relative to the {@code .diff} folder, each with its size and
   * every checksum the lists give for it.
   *
   * @throws FormatException when the Index is not one stanza, or a line or a name is malformed
   */
  public static List<ExpectedFile> downloads(InputStream in) throws IOException {
    ControlFileReader reader = new ControlFileReader(in);
    Stanza stanza = reader.next().orElseThrow(() -> new FormatException("empty Index", 0));
    Map<String, ExpectedFile> files = new LinkedHashMap<>();
    for (String prefix : new String[] {"", "X-Unmerged-"}) {
      for (HashAlgorithm algorithm : HashAlgorithm.values()) {
        String field = prefix + algorithm.releaseField() + "-Download";
        Optional<String> list = stanza.get(field);
        if (list.isPresent()) read(field, algorithm, list.get(), files);
      }
    }
    return new ArrayList<>(files.values());
  }

  private static void read(
      String field, HashAlgorithm algorithm, String list, Map<String, ExpectedFile> files)
      throws FormatException {
    for (String entry : list.split("\n")) {
      if (entry.isBlank()) continue;
      String[] parts = entry.strip().split("\\s+");
      if (parts.length != 3 || !algorithm.isValidHex(parts[0])) {
        throw new FormatException(
            field + ": expected '<hash> <size> <name>', got '" + entry.strip() + "'", 0);
      }
      long size;
      try {
        size = Long.parseLong(parts[1]);
      } catch (NumberFormatException e) {
        throw new FormatException(field + ": '" + parts[1] + "' is not a size", 0);
      }
      String name = ArchivePaths.requireSafe(parts[2], 0);
      if (name.contains("/") || size < 0) {
        throw new FormatException(field + ": '" + entry.strip() + "' names no file beside it", 0);
      }
      ExpectedFile next = new ExpectedFile(name, size, Hashes.of(algorithm, parts[0]));
      ExpectedFile known = files.putIfAbsent(name, next);
      if (known != null) {
        if (known.size() != size) {
          throw new FormatException(field + ": lists disagree on the size of " + name, 0);
        }
        try {
          files.put(name, new ExpectedFile(name, size, known.hashes().merge(next.hashes())));
        } catch (IllegalArgumentException e) {
          throw new FormatException(name + ": " + e.getMessage(), 0);
        }
      }
    }
  }
}
