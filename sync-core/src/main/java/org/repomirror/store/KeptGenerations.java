package org.repomirror.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The generations kept of each suite under a served root, read for the server: which one a served
 * dists folder holds (its marker), and the files of any kept one, in the layout {@link Generations}
 * writes. The state folder is the mirror's: the served root's, or, for a mirror of a {@code
 * mirrors} list kept in a folder of the served tree, that folder's ({@code
 * debian/.repomirror/generations/dists%2Fbookworm/} for the suite served as {@code
 * debian/dists/bookworm}). Thread-safe; every call reads the disk but for where each suite's mirror
 * is, which is remembered once found.
 */
final class KeptGenerations {
  private final Path root;

  /** A suite's mirror folder below the served root ("" for the root itself), once found. */
  private final ConcurrentHashMap<String, String> mirrors = new ConcurrentHashMap<>();

  KeptGenerations(Path realRoot) {
    this.root = realRoot;
  }

  OptionalLong current(String dist) {
    try {
      byte[] text = Files.readAllBytes(root.resolve(dist).resolve(Generations.MARKER));
      return OptionalLong.of(Long.parseLong(new String(text, StandardCharsets.UTF_8).strip()));
    } catch (IOException | NumberFormatException | InvalidPathException e) {
      return OptionalLong.empty();
    }
  }

  private Path folder(String dist, long id) {
    String mirror = mirrorOf(dist);
    String below = mirror.isEmpty() ? dist : dist.substring(mirror.length() + 1);
    return root.resolve(mirror)
        .resolve(Generations.STORE)
        .resolve(Generations.key(below))
        .resolve(Long.toString(id));
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
      Path store = root.resolve(candidate).resolve(Generations.STORE);
      if (Files.isDirectory(store.resolve(Generations.key(below)))) {
        mirrors.put(dist, candidate);
        return candidate;
      }
      if (candidate.isEmpty()) return "";
      candidate = parent(candidate);
    }
  }

  private static String parent(String folder) {
    int slash = folder.lastIndexOf('/');
    return slash < 0 ? "" : folder.substring(0, slash);
  }

  boolean exists(String dist, long id) {
    return Files.isDirectory(folder(dist, id));
  }

  /** See {@link ServedTree#inGeneration}. */
  Optional<ServedTree.Resolved> file(String dist, long id, String below) {
    Path p = folder(dist, id).resolve(below);
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) return Optional.empty();
      return Optional.of(LocalServedTree.toResolved(p, a));
    } catch (NoSuchFileException e) {
      return Optional.of(ServedTree.MISSING);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** How many generations are kept, over all suites of the served root and the mirrors found. */
  long kept() {
    long n = kept(root);
    for (String mirror : new HashSet<>(mirrors.values())) {
      if (!mirror.isEmpty()) n += kept(root.resolve(mirror));
    }
    return n;
  }

  private static long kept(Path mirror) {
    long n = 0;
    Path store = mirror.resolve(Generations.STORE);
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
