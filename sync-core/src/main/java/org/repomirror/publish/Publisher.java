package org.repomirror.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.repomirror.fs.CrashPoint;
import org.repomirror.fs.FileStore;
import org.repomirror.store.LocalTree;
import org.repomirror.store.PublishedTree;

/**
 * Moves verified files from staging into the served tree in two stages: content first (pool and
 * by-hash), then a suite's metadata in one tight batch, Release files last. Each move is an atomic
 * rename on the same filesystem of a complete, fsync'd file, so a client never sees a partial file,
 * and metadata never references content that is not yet in place. Not thread-safe.
 */
public final class Publisher {
  private static final int FSYNC_THREADS = 8;

  private final Path root;
  private final FileStore files;
  private final Generations generations;
  private final PublishedTree tree;

  /** Folders known to exist in this run: a check per file would cost a syscall per segment. */
  private final Set<Path> madeDirectories = new HashSet<>();

  public Publisher(Path root, FileStore files) {
    this.root = root;
    this.files = files;
    this.generations = new Generations(root, files);
    this.tree = new LocalTree(root, files);
  }

  /** The published tree, to read. */
  public PublishedTree tree() {
    return tree;
  }

  public Path root() {
    return root;
  }

  /** The filesystem seam every change goes through. */
  public FileStore files() {
    return files;
  }

  /** The suites' generations this publisher switches. */
  public Generations generations() {
    return generations;
  }

  /**
   * Stage 2 for a suite: its whole dists folder as a new generation, switched in one step (see
   * {@link Generations}). Replaces {@link #publishMetadata} for the suites a sync verifies.
   */
  public void publishGeneration(String dist, long id, List<Staged> staged) throws IOException {
    generations.publish(dist, id, staged);
  }

  /**
   * A staged file and where it goes.
   *
   * @param localPath relative to the mirror root
   */
  public record Staged(Path staged, String localPath) {}

  /**
   * A symbolic link to make.
   *
   * @param mtimeMillis the link's own mtime, or -1 to leave it as made
   */
  public record Link(String localPath, String target, long mtimeMillis) {}

  /** Stage 1: content that no published metadata references yet. */
  public void publishContent(List<Staged> staged) throws IOException {
    moveAll(staged, "publish-content");
  }

  /**
   * Stage 2: a suite's metadata, once everything it references is in place. Indexes go first, then
   * Release.gpg, Release and InRelease, so that a client that sees the new Release also sees the
   * indexes it lists.
   */
  public void publishMetadata(List<Staged> staged) throws IOException {
    List<Staged> ordered = new ArrayList<>(staged);
    ordered.sort(Comparator.comparingInt(s -> releaseRank(s.localPath())));
    moveAll(ordered, "publish-metadata");
  }

  /** Makes each link beside its path and renames it into place, so that it appears whole. */
  public void publishLinks(List<Link> links) throws IOException {
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

  /**
   * Deletes a published file, and the folders that leaves empty up to the first that holds
   * anything, as rsync --delete does: a package gone from the archive leaves no {@code
   * pool/main/n/newcomer/}.
   */
  public void delete(String path) throws IOException {
    files.deleteIfExists(root.resolve(path));
    for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      if (!files.deleteIfEmptyFolder(root.resolve(path.substring(0, slash)))) return;
    }
  }

  /** Throws away a staged file that will not be published. */
  public void discard(Path staged) throws IOException {
    files.deleteIfExists(staged);
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
