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
import org.repomirror.run.Ticker;

/**
 * The published tree on a local filesystem, under one root, with staging on the same filesystem so
 * that placing a file is one atomic rename of a complete, durable file: a client never sees a
 * partial one. A suite's generations are kept and switched as {@link Generations} lays them out.
 * Every call of the sync goes through a {@link FileStore}, so that tests can make the disk fail;
 * the server's reads go to the filesystem as {@link LocalServedTree} does. Reads are thread-safe;
 * one run changes the tree at a time.
 */
public final class LocalTree implements PublishedTree, ServedTree {
  private static final int FSYNC_THREADS = 8;

  /**
   * From this many files, a batch is made durable by flushing the filesystem, before its renames
   * and again after them, rather than by a fsync a file and a folder: on a journaling filesystem
   * each fsync commits a transaction of its own, and a flush commits one for all.
   */
  static final int FLUSH_BATCH = 16;

  private final Path root;
  private final Path staging;
  private final FileStore files;
  private final Ticker ticker;
  private final Generations generations;

  /** The server's reads, made once the root exists (a first sync makes it). */
  private volatile LocalServedTree served;

  /** Folders known to exist in this run: a check per file would cost a syscall per segment. */
  private final Set<Path> madeDirectories = new HashSet<>();

  /**
   * @param staging where verified files wait, on the root's filesystem
   * @param files the filesystem seam every call goes through (a faulty one, in tests)
   * @param ticker for how long the server's reads trust the shape of a folder
   */
  public LocalTree(Path root, Path staging, FileStore files, Ticker ticker) {
    this.root = root;
    this.staging = staging;
    this.files = files;
    this.ticker = ticker;
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
  public PublishedFiles files() {
    return PublishedFiles.inFolder(root);
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

  private ServedTree served() {
    LocalServedTree s = served;
    if (s != null) return s;
    try {
      return served = new LocalServedTree(root, ticker::nanos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Resolved resolve(String path) {
    return served().resolve(path);
  }

  @Override
  public List<Entry> list(Directory folder) throws IOException {
    return served().list(folder);
  }

  @Override
  public OptionalLong generation(String dist) {
    return served().generation(dist);
  }

  @Override
  public boolean hasGeneration(String dist, long id) {
    return served().hasGeneration(dist, id);
  }

  @Override
  public Optional<Resolved> inGeneration(String dist, long id, String below) {
    return served().inGeneration(dist, id, below);
  }

  @Override
  public long generationsKept() {
    return served().generationsKept();
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
    changing(() -> makeLinks(links));
  }

  private void makeLinks(List<Link> links) throws IOException {
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
    ordered.sort(Comparator.comparingInt(s -> PublishedTree.releaseRank(s.localPath())));
    moveAll(ordered, "publish-metadata");
  }

  @Override
  public void switchGeneration(String dist, long id, List<Staged> staged) throws IOException {
    changing(() -> generations.publish(dist, id, staged));
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
    changing(() -> generations.remove(dist, id));
  }

  @Override
  public int recoverGenerations() throws IOException {
    int[] removed = {0};
    changing(() -> removed[0] = generations.recover());
    return removed[0];
  }

  /** Deletes the file, then each folder that leaves empty, up to the first that holds anything. */
  @Override
  public void delete(List<String> paths) throws IOException {
    changing(
        () -> {
          for (String path : paths) deleteWithFolders(path);
        });
  }

  private void deleteWithFolders(String path) throws IOException {
    files.deleteIfExists(root.resolve(path));
    for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      if (!files.deleteIfEmptyFolder(root.resolve(path.substring(0, slash)))) return;
    }
  }

  /**
   * Renames a batch of staged files into place, each one durable before any is renamed, and the
   * renames durable before this returns.
   */
  private void moveAll(List<Staged> staged, String crashPoint) throws IOException {
    boolean flushed = staged.size() >= FLUSH_BATCH && files.syncFilesystem(staging);
    if (!flushed) fsyncAll(staged);
    Set<Path> directories = new LinkedHashSet<>();
    changing(
        () -> {
          for (Staged s : staged) {
            Path target = root.resolve(s.localPath());
            ensureDirectory(target.getParent());
            CrashPoint.reached(crashPoint);
            files.moveAtomically(s.staged(), target);
            directories.add(target.getParent());
          }
        });
    // The renames themselves survive a crash.
    if (flushed) {
      files.syncFilesystem(staging);
    } else {
      for (Path dir : directories) files.fsyncDirectory(dir);
    }
  }

  /**
   * Makes a change between the two marks of the mirror's change counter, so that a server that
   * holds what it saw of a path looks again.
   */
  private void changing(ChangeCounter.Change change) throws IOException {
    ChangeCounter.around(root, change);
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
