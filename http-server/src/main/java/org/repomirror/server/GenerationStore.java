package org.repomirror.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the generations a sync keeps of each suite's dists folder: which one the served folder
 * holds (its marker), and the files of any kept one. The layout is the sync's ({@code
 * org.repomirror.publish.Generations}): {@code .repomirror/generations/<suite, '/' as %2F>/<id>/},
 * and a marker {@code .repomirror-generation} in the served folder naming the id. Stateless and
 * thread-safe; every call reads the disk.
 */
final class GenerationStore {
  static final String MARKER = ".repomirror-generation";
  static final String STORE = ".repomirror/generations";

  private final Path root;

  GenerationStore(Path realRoot) {
    this.root = realRoot;
  }

  /** The generation the served folder of a suite holds, or -1 when it has none. */
  long current(String dist) {
    try {
      byte[] text = Files.readAllBytes(root.resolve(dist).resolve(MARKER));
      return Long.parseLong(new String(text, StandardCharsets.UTF_8).strip());
    } catch (IOException | NumberFormatException | java.nio.file.InvalidPathException e) {
      return -1;
    }
  }

  private Path folder(String dist, long id) {
    return root.resolve(STORE)
        .resolve(dist.replace("%", "%25").replace("/", "%2F"))
        .resolve(Long.toString(id));
  }

  boolean exists(String dist, long id) {
    return Files.isDirectory(folder(dist, id));
  }

  /**
   * A path under a suite's folder as a kept generation holds it: a regular file, or {@link
   * ServedTree.Missing} when the generation has nothing there; null when the tree should answer (a
   * folder, a link).
   *
   * @param relative the path below the suite's folder
   */
  ServedTree.Resolved file(String dist, long id, String relative) {
    Path p = folder(dist, id).resolve(relative);
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) return null;
      return new ServedTree.RegularFile(p, a.size(), a.lastModifiedTime(), a.fileKey());
    } catch (NoSuchFileException e) {
      return new ServedTree.Missing();
    } catch (IOException e) {
      return null;
    }
  }

  /** How many generations are kept, over all suites. */
  long kept() {
    long n = 0;
    Path store = root.resolve(STORE);
    if (!Files.isDirectory(store)) return 0;
    try (DirectoryStream<Path> suites = Files.newDirectoryStream(store, Files::isDirectory)) {
      for (Path suite : suites) {
        try (DirectoryStream<Path> ids = Files.newDirectoryStream(suite, Files::isDirectory)) {
          for (Path ignored : ids) n++;
        }
      }
    } catch (IOException e) {
      return n;
    }
    return n;
  }
}
