package org.repomirror.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.repomirror.fs.CrashPoint;
import org.repomirror.fs.FileStore;

/**
 * The published tree on a local filesystem, under one root, with staging on the same filesystem so
 * that placing a file is one atomic rename of a complete, fsync'd file: a client never sees a
 * partial one. A suite's generations are kept and switched as {@link Generations} lays them out.
 * Every call goes through a {@link FileStore}, so that tests can make the disk fail. Reads are
 * thread-safe; one run changes the tree at a time.
 */
public final class LocalTree implements PublishedTree {
  private static final int FSYNC_THREADS = 8;

  private final Path root;
  private final Path staging;
  private final FileStore files;
  private final Generations generations;

  /** Folders known to exist in this run: a check per file would cost a syscall per segment. */
  private final Set<Path> madeDirectories = new HashSet<>();

  /**
   * @param staging where verified files wait, on the root's filesystem
   * @param files the filesystem seam every call goes through (a faulty one, in tests)
   */
  public LocalTree(Path root, Path staging, FileStore files) {
    this.root = root;
    this.staging = staging;
    this.files = files;
    this.generations = new Generations(root, files);
  }

  /** The folder the tree is served from. */
  public Path root() {
    return root;
  }

  @Override
  public Optional<OnDisk> stat(String path) {
    try {
      return files
          .stat(root.resolve(path))
          .map(s -> new OnDisk(s.isFile(), s.size(), s.mtimeMillis()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<String> linkTarget(String path) {
    try {
      return files.readSymbolicLink(root.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public InputStream open(String path) throws IOException {
    return Files.newInputStream(root.resolve(path));
  }

  @Override
  public OptionalLong folderMtime(String path) throws IOException {
    return files
        .stat(root.resolve(path))
        .filter(s -> s.kind() == FileStore.Stat.Kind.DIRECTORY)
        .map(s -> OptionalLong.of(s.mtimeMillis()))
        .orElse(OptionalLong.empty());
  }

  @Override
  public Path staging() {
    return staging;
  }

  @Override
  public void discard(Path staged) throws IOException {
    files.deleteIfExists(staged);
  }

  @Override
  public void placeContent(List<Staged> staged) throws IOException {
    moveAll(staged, "publish-content");
  }

  @Override
  public void placeLinks(List<Link> links) throws IOException {
    Set<Path> directories = new LinkedHashSet<>();
    for (Link l : links) {
      Path target = root.resolve(l.localPath());
      ensureDirectory(target.getParent());
      Path tmp = target.resolveSibling(".repomirror-link." + target.getFileName());
      files.deleteIfExists(tmp);
      files.createSymbolicLink(tmp, l.target(), l.mtimeMillis());
      files.moveAtomically(tmp, target);
      directories.add(target.getParent());
    }
    for (Path dir : directories) files.fsyncDirectory(dir);
  }

  @Override
  public void placeMetadata(List<Staged> staged) throws IOException {
    List<Staged> ordered = new ArrayList<>(staged);
    ordered.sort(Comparator.comparingInt(s -> releaseRank(s.localPath())));
    moveAll(ordered, "publish-metadata");
  }

  @Override
  public void switchGeneration(String dist, long id, List<Staged> staged) throws IOException {
    generations.publish(dist, id, staged);
  }

  @Override
  public Optional<Long> currentGeneration(String dist) throws IOException {
    return generations.current(dist);
  }

  @Override
  public List<Long> keptGenerations(String dist) throws IOException {
    return generations.kept(dist);
  }

  @Override
  public List<String> suitesWithGenerations() throws IOException {
    return generations.suites();
  }

  @Override
  public void retireGeneration(String dist, long id) throws IOException {
    generations.remove(dist, id);
  }

  @Override
  public int recoverGenerations() throws IOException {
    return generations.recover();
  }

  /** Deletes the file, then each folder that leaves empty, up to the first that holds anything. */
  @Override
  public void delete(String path) throws IOException {
    files.deleteIfExists(root.resolve(path));
    for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      if (!files.deleteIfEmptyFolder(root.resolve(path.substring(0, slash)))) return;
    }
  }

  private static int releaseRank(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return switch (name) {
      case "Release.gpg" -> 1;
      case "Release" -> 2;
      case "InRelease" -> 3;
      default -> 0;
    };
  }

  private void moveAll(List<Staged> staged, String crashPoint) throws IOException {
    fsyncAll(staged);
    Set<Path> directories = new LinkedHashSet<>();
    for (Staged s : staged) {
      Path target = root.resolve(s.localPath());
      ensureDirectory(target.getParent());
      CrashPoint.reached(crashPoint);
      files.moveAtomically(s.staged(), target);
      directories.add(target.getParent());
    }
    for (Path dir : directories) {
      files.fsyncDirectory(dir); // the renames themselves survive a crash
    }
  }

  private void ensureDirectory(Path dir) throws IOException {
    if (madeDirectories.add(dir)) files.createDirectories(dir);
  }

  /**
   * Makes every staged file durable before any is renamed, several at a time: most of the data is
   * on disk already, and what is left is flushed in parallel.
   */
  private void fsyncAll(List<Staged> staged) throws IOException {
    if (staged.isEmpty()) return;
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(FSYNC_THREADS, staged.size()));
    try {
      List<Future<?>> done = new ArrayList<>(staged.size());
      for (Staged s : staged) {
        done.add(
            pool.submit(
                () -> {
                  files.fsync(s.staged());
                  return null;
                }));
      }
      for (Future<?> f : done) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making staged files durable", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
