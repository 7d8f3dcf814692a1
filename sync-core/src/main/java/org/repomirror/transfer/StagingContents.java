package org.repomirror.transfer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * What a staging folder holds between runs, by file name with its size: whole files an interrupted
 * run verified and did not publish, and partial downloads ({@code .part}) to resume. Immutable.
 */
public record StagingContents(Map<String, Long> whole, Map<String, Long> partial) {
  public StagingContents {
    whole = Map.copyOf(whole);
    partial = Map.copyOf(partial);
  }

  /** Reads the flat staging folder: one directory read and a stat per entry. */
  public static StagingContents read(Path staging) throws IOException {
    Map<String, Long> whole = new HashMap<>();
    Map<String, Long> partial = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
      for (Path p : entries) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue;
        }
        if (!a.isRegularFile()) continue;
        String name = p.getFileName().toString();
        (name.endsWith(".part") ? partial : whole).put(name, a.size());
      }
    } catch (NoSuchFileException e) {
      // nothing staged yet
    }
    return new StagingContents(whole, partial);
  }

  /** Bytes of the whole files. */
  public long wholeBytes() {
    return whole.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Bytes of the partial downloads. */
  public long partialBytes() {
    return partial.values().stream().mapToLong(Long::longValue).sum();
  }
}
