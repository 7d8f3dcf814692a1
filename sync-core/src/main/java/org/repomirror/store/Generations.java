package org.repomirror.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.repomirror.fs.CrashPoint;
import org.repomirror.fs.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A suite's dists folder as a series of immutable generations. Each publication of the suite's
 * metadata makes a new one: a snapshot of the served folder (hard links, so nothing is copied) with
 * the new files in it, kept under {@code .repomirror/generations/<suite>/<id>/}; then the served
 * folder is swapped for a copy of it in one atomic exchange, so that a reader (nginx, rsync, the
 * server) sees the old generation or the new one, never a mix. The served folder names its
 * generation in a hidden marker file, which the server reads to pin each client to the generation
 * it started with. Pool files are never part of a generation.
 *
 * <p>{@link KeptGenerations} reads this layout for the server; {@code GenerationPinningTest} checks
 * the two agree.
 *
 * <p>Not thread-safe: one run publishes at a time.
 */
public final class Generations {
  /** The file in a served dists folder that names its generation; hidden, so never served. */
  public static final String MARKER = ".repomirror-generation";

  /** Where generations are kept, relative to the mirror root. */
  public static final String STORE = ".repomirror/generations";

  private static final String NEXT = ".repomirror-next";
  private static final String OLD = ".repomirror-old";
  private static final Logger log = LoggerFactory.getLogger(Generations.class);

  private final Path root;
  private final FileStore files;
  private boolean exchangeWarned;

  public Generations(Path root, FileStore files) {
    this.root = root;
    this.files = files;
  }

  /** The folder name under which a suite's generations are kept: its path, escaped flat. */
  public static String key(String dist) {
    return dist.replace("%", "%25").replace("/", "%2F");
  }

  /** The suite a store folder holds, from its name. */
  public static String dist(String key) {
    return key.replace("%2F", "/").replace("%25", "%");
  }

  private Path store(String dist) {
    return root.resolve(STORE).resolve(key(dist));
  }

  /** Where a kept generation's files are. */
  public Path folder(String dist, long id) {
    return store(dist).resolve(Long.toString(id));
  }

  /** The generation the served folder holds, from its marker; empty before the first. */
  public Optional<Long> current(String dist) throws IOException {
    try {
      String text = Files.readString(root.resolve(dist).resolve(MARKER)).strip();
      return Optional.of(Long.parseLong(text));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (NumberFormatException e) {
      throw new IOException(root.resolve(dist).resolve(MARKER) + ": not a generation: " + e);
    }
  }

  /** The kept generations of a suite, oldest first. */
  public List<Long> kept(String dist) throws IOException {
    List<Long> ids = new ArrayList<>();
    Path store = store(dist);
    if (!Files.isDirectory(store)) return ids;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(store)) {
      for (Path p : entries) {
        try {
          ids.add(Long.parseLong(p.getFileName().toString()));
        } catch (NumberFormatException e) {
          // not a generation: left alone
        }
      }
    }
    ids.sort(null);
    return ids;
  }

  /** The suites that have generations. */
  public List<String> suites() throws IOException {
    List<String> suites = new ArrayList<>();
    Path store = root.resolve(STORE);
    if (!Files.isDirectory(store)) return suites;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(store, Files::isDirectory)) {
      for (Path p : entries) suites.add(dist(p.getFileName().toString()));
    }
    suites.sort(null);
    return suites;
  }

  /**
   * Publishes a new generation of a suite: the files now served, with the staged ones put in or
   * over them, kept in the store first, then served in one swap.
   *
   * @param id the new generation's id: larger than the current one's (epoch ms of its making)
   * @param staged the new files, by path relative to the mirror root, all under the suite's folder
   */
  public void publish(String dist, long id, List<PublishedTree.Staged> staged) throws IOException {
    Path served = root.resolve(dist);
    Path kept = folder(dist, id);
    files.deleteTree(kept); // what an interrupted attempt at this id left
    files.createDirectories(kept);
    if (Files.isDirectory(served)) link(served, kept, true);
    for (PublishedTree.Staged s : staged) {
      Path target = kept.resolve(served.relativize(root.resolve(s.localPath())).toString());
      files.createDirectories(target.getParent());
      files.fsync(s.staged());
      files.moveAtomically(s.staged(), target);
    }
    Files.writeString(kept.resolve(MARKER), Long.toString(id), StandardCharsets.UTF_8);
    files.fsync(kept.resolve(MARKER));
    syncFolders(kept);
    CrashPoint.reached("generation-built");
    Path next = served.resolveSibling("." + served.getFileName() + NEXT);
    files.deleteTree(next);
    files.createDirectories(next);
    link(kept, next, false);
    syncFolders(next);
    switchTo(next, served);
    files.fsyncDirectory(served.getParent());
  }

  /** Puts the prepared folder where the served one is, in one swap where the filesystem can. */
  private void switchTo(Path next, Path served) throws IOException {
    if (!Files.exists(served, LinkOption.NOFOLLOW_LINKS)) {
      files.createDirectories(served.getParent());
      files.moveAtomically(next, served);
      return;
    }
    try {
      files.exchange(next, served);
      CrashPoint.reached("generation-switched");
      files.deleteTree(next);
    } catch (FileStore.ExchangeUnsupportedException e) {
      if (!exchangeWarned) {
        log.warn(
            "{}; switching generations by two renames, with a moment of no folder", e.getMessage());
        exchangeWarned = true;
      }
      Path old = served.resolveSibling("." + served.getFileName() + OLD);
      files.deleteTree(old);
      files.moveAtomically(served, old);
      files.moveAtomically(next, served);
      files.deleteTree(old);
    }
  }

  /**
   * Mirrors a folder's tree into another by hard links (links recreated as links); the suite's own
   * marker is left out when asked, since the new generation writes its own.
   */
  private void link(Path from, Path to, boolean skipMarker) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        if (p.equals(from)) continue;
        Path rel = from.relativize(p);
        if (skipMarker && rel.toString().equals(MARKER)) continue;
        Path target = to.resolve(rel.toString());
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isDirectory()) {
          files.createDirectories(target);
        } else if (a.isSymbolicLink()) {
          files.createSymbolicLink(target, Files.readSymbolicLink(p).toString(), -1);
        } else if (a.isRegularFile()) {
          files.createLink(target, p);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void syncFolders(Path top) throws IOException {
    try (Stream<Path> walk = Files.walk(top)) {
      for (Path dir : walk.filter(Files::isDirectory).toList()) files.fsyncDirectory(dir);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Finishes or rolls back what an interrupted publication left: a prepared folder beside a served
   * one goes; a generation newer than the served one was never switched to and goes too.
   *
   * @return how many leftovers were removed
   */
  public int recover() throws IOException {
    int removed = 0;
    for (String dist : suites()) {
      Path served = root.resolve(dist);
      for (String suffix : List.of(NEXT, OLD)) {
        Path leftover = served.resolveSibling("." + served.getFileName() + suffix);
        if (Files.exists(leftover, LinkOption.NOFOLLOW_LINKS)) {
          if (suffix.equals(OLD) && !Files.exists(served)) {
            files.moveAtomically(leftover, served); // the second rename never happened
          } else {
            files.deleteTree(leftover);
          }
          removed++;
        }
      }
      Optional<Long> current = current(dist);
      for (long id : kept(dist)) {
        if (current.isEmpty() || id > current.get()) {
          files.deleteTree(folder(dist, id));
          removed++;
        }
      }
    }
    return removed;
  }

  /** Removes a kept generation that no pin can reach any more. */
  public void remove(String dist, long id) throws IOException {
    files.deleteTree(folder(dist, id));
  }
}
