package org.repomirror.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What a directory tree holds, for comparing an upstream with its mirror. */
public final class TreeSnapshot {
  private TreeSnapshot() {}

  /**
   * Every regular file (SHA-256 and mtime) and symbolic link (its target) under a root, by relative
   * path. Hidden entries, the mirror's state and its own outputs ({@code project/repomirror/},
   * {@code project/trace/}) are left out.
   *
   * @param mtimeDivisor 1 to compare mtimes to the millisecond, 1000 to the second
   */
  public static Map<String, String> of(Path root, long mtimeDivisor) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        String rel = root.relativize(p).toString();
        if (rel.isEmpty()
            || rel.startsWith(".")
            || rel.contains("/.")
            || rel.startsWith("project/repomirror/")
            || rel.startsWith("project/trace/")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          entries.put(rel, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          entries.put(
              rel,
              TestRepository.hex("SHA-256", Files.readAllBytes(p))
                  + " "
                  + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis()
                      / mtimeDivisor);
        }
      }
    }
    return entries;
  }
}
