package org.repomirror.debian;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Streams the files of a Sources index: for each source package, its {@code Directory} joined with
 * every name in {@code Files} and the {@code Checksums-*} lists. Not thread-safe.
 */
public final class SourcesIndex implements AutoCloseable {
  private final ControlFileReader reader;

  public SourcesIndex(InputStream decompressed) {
    this.reader = new ControlFileReader(decompressed);
  }

  /**
   * The files of the next source package (.dsc, tarballs, diffs); empty at the end.
   *
   * @throws FormatException for a stanza without Directory or file lists, or with a bad line
   */
  public Optional<List<ExpectedFile>> next() throws IOException {
    Optional<Stanza> next = reader.next();
    if (next.isEmpty()) return Optional.empty();
    Stanza s = next.get();
    String directory = ArchivePaths.requireSafe(s.require("Directory").strip(), s.firstLine());
    Map<String, ExpectedFile> files = new LinkedHashMap<>();
    boolean anyList = false;
    for (HashAlgorithm a : HashAlgorithm.values()) {
      Optional<String> list = s.get(a.sourcesField());
      if (list.isEmpty()) continue;
      anyList = true;
      for (String line : list.get().split("\n")) {
        if (line.isBlank()) continue;
        String[] parts = line.strip().split("\\s+");
        if (parts.length != 3 || !a.isValidHex(parts[0])) {
          throw new FormatException(
              a.sourcesField() + ": expected '<hash> <size> <name>', got '" + line.strip() + "'",
              s.firstLine());
        }
        long size;
        try {
          size = Long.parseLong(parts[1]);
          if (size < 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
          throw new FormatException("bad size '" + parts[1] + "'", s.firstLine());
        }
        if (parts[2].contains("/")) {
          throw new FormatException("a source file name has no '/': " + parts[2], s.firstLine());
        }
        String path = ArchivePaths.requireSafe(directory + "/" + parts[2], s.firstLine());
        ExpectedFile f = new ExpectedFile(path, size, Hashes.of(a, parts[0]));
        ExpectedFile known = files.get(path);
        if (known == null) {
          files.put(path, f);
        } else if (known.size() != size) {
          throw new FormatException("lists disagree on the size of " + path, s.firstLine());
        } else {
          try {
            files.put(path, new ExpectedFile(path, size, known.hashes().merge(f.hashes())));
          } catch (IllegalArgumentException e) {
            throw new FormatException(path + ": " + e.getMessage(), s.firstLine());
          }
        }
      }
    }
    if (!anyList) {
      throw new FormatException("source package lists no files", s.firstLine());
    }
    return Optional.of(new ArrayList<>(files.values()));
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
