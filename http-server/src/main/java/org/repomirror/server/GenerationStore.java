package org.repomirror.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the generations a sync keeps of each suite's dists folder: which one the served folder
 * holds (its marker), and the files of any kept one. The layout is the sync's ({@code
 * org.repomirror.store.Generations}): {@code .repomirror/generations/<suite, '/' as %2F>/<id>/},
 * and a marker {@code .repomirror-generation} in the served folder naming the id. The state folder
 * is the mirror's: the served root's, or, for a mirror of a {@code mirrors} list kept in a folder
 * of the served tree, that folder's ({@code debian/.repomirror/generations/dists%2Fbookworm/} for
 * the suite served as {@code debian/dists/bookworm}). Thread-safe; every call reads the disk but
 * for where each suite's mirror is, which is remembered once found.
 */
final class GenerationStore {
  static final String MARKER = ".repomirror-generation";
  static final String STORE = ".repomirror/generations";

  private final Path root;

  /** A suite's mirror folder below the served root ("" for the root itself), once found. */
  private final ConcurrentHashMap<String, String> mirrors = new ConcurrentHashMap<>();

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
    String mirror = mirrorOf(dist);
    String below = mirror.isEmpty() ? dist : dist.substring(mirror.length() + 1);
    return root.resolve(mirror).resolve(STORE).resolve(encode(below)).resolve(Long.toString(id));
  }

  /**
   * The folder of the mirror that keeps a suite's generations: the deepest folder above its {@code
   * dists} that has them, else the served root. Only a found one is remembered, so that a mirror
   * whose first sync comes later is found then.
   */
  private String mirrorOf(String dist) {
    String known = mirrors.get(dist);
    if (known != null) return known;
    int dists = dist.lastIndexOf("/dists/");
    String candidate = dists > 0 ? dist.substring(0, dists) : "";
    while (true) {
      String below = candidate.isEmpty() ? dist : dist.substring(candidate.length() + 1);
      Path store = root.resolve(candidate).resolve(STORE);
      if (Files.isDirectory(store.resolve(encode(below)))) {
        mirrors.put(dist, candidate);
        return candidate;
      }
      if (candidate.isEmpty()) return "";
      candidate = parent(candidate);
    }
  }

  /** A suite's folder name in the store: its path, '/' as %2F. */
  private static String encode(String dist) {
    return dist.replace("%", "%25").replace("/", "%2F");
  }

  private static String parent(String folder) {
    int slash = folder.lastIndexOf('/');
    return slash < 0 ? "" : folder.substring(0, slash);
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

  /** How many generations are kept, over all suites of the served root and the mirrors found. */
  long kept() {
    long n = kept(root);
    for (String mirror : new java.util.HashSet<>(mirrors.values())) {
      if (!mirror.isEmpty()) n += kept(root.resolve(mirror));
    }
    return n;
  }

  private static long kept(Path mirror) {
    long n = 0;
    Path store = mirror.resolve(STORE);
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
