package org.repomirror.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.repomirror.sample.SampleRepository;

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
              SampleRepository.hex("SHA-256", Files.readAllBytes(p))
                  + " "
                  + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis()
                      / mtimeDivisor);
        }
      }
    }
    return entries;
  }

  /**
   * Every file as a web server on the root serves it: links followed wherever they point (nginx and
   * Apache do by default), dangling and looping ones left out, hidden entries left out, and (for a
   * server whose workers are not root) files others may not read left out. The content's SHA-256
   * and the mtime in seconds, by path.
   *
   * @param unprivileged whether the server reads as a user other than root
   */
  public static Map<String, String> served(Path root, boolean unprivileged) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    served(root, "", unprivileged, new HashSet<>(), entries);
    return entries;
  }

  private static void served(
      Path dir,
      String prefix,
      boolean unprivileged,
      Set<Path> onTheWay,
      Map<String, String> entries)
      throws IOException {
    if (!onTheWay.add(dir.toRealPath())) return; // a link back up: servers stop there too
    try (Stream<Path> children = Files.list(dir)) {
      for (Path p : children.sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) continue;
        Path real;
        try {
          real = p.toRealPath();
        } catch (IOException danglingOrLooping) {
          continue;
        }
        if (Files.isDirectory(real)) {
          served(p, prefix + name + "/", unprivileged, onTheWay, entries);
        } else if (Files.isRegularFile(real)
            && (!unprivileged
                || Files.getPosixFilePermissions(real).contains(PosixFilePermission.OTHERS_READ))) {
          entries.put(
              prefix + name,
              SampleRepository.hex("SHA-256", Files.readAllBytes(real))
                  + " "
                  + Files.getLastModifiedTime(real).toMillis() / 1000);
        }
      }
    }
    onTheWay.remove(dir.toRealPath());
  }
}
