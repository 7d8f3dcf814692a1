package org.repomirror.publish;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.repomirror.index.CrashPoint;

/**
 * Moves verified files from staging into the served tree in two stages: content first (pool and
 * by-hash), then a suite's metadata in one tight batch, Release files last. Each move is an atomic
 * rename on the same filesystem of a complete, fsync'd file, so a client never sees a partial file,
 * and metadata never references content that is not yet in place. Not thread-safe.
 */
public final class Publisher {
  private static final int FSYNC_THREADS = 8;

  private final Path root;

  /** Folders known to exist in this run: a check per file would cost a syscall per segment. */
  private final Set<Path> madeDirectories = new java.util.HashSet<>();

  public Publisher(Path root) {
    this.root = root;
  }

  /**
   * A staged file and where it goes.
   *
   * @param localPath relative to the mirror root
   */
  public record Staged(Path staged, String localPath) {}

  /** Stage 1: content that no published metadata references yet. */
  public void publishContent(List<Staged> files) throws IOException {
    moveAll(files, "publish-content");
  }

  /**
   * Stage 2: a suite's metadata, once everything it references is in place. Indexes go first, then
   * Release.gpg, Release and InRelease, so that a client that sees the new Release also sees the
   * indexes it lists.
   */
  public void publishMetadata(List<Staged> files) throws IOException {
    List<Staged> ordered = new ArrayList<>(files);
    ordered.sort(Comparator.comparingInt(s -> releaseRank(s.localPath())));
    moveAll(ordered, "publish-metadata");
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

  private void moveAll(List<Staged> files, String crashPoint) throws IOException {
    fsyncAll(files);
    Set<Path> directories = new LinkedHashSet<>();
    for (Staged s : files) {
      Path target = root.resolve(s.localPath());
      if (!madeDirectories.contains(target.getParent())) {
        Files.createDirectories(target.getParent());
        madeDirectories.add(target.getParent());
      }
      CrashPoint.reached(crashPoint);
      Files.move(
          s.staged(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      directories.add(target.getParent());
    }
    for (Path dir : directories) {
      fsyncDirectory(dir); // the renames themselves survive a crash
    }
  }

  /**
   * Makes every staged file durable before any is renamed, several at a time: most of the data is
   * on disk already, and what is left is flushed in parallel.
   */
  private static void fsyncAll(List<Staged> files) throws IOException {
    if (files.isEmpty()) return;
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(FSYNC_THREADS, files.size()));
    try {
      List<Future<?>> done = new ArrayList<>(files.size());
      for (Staged s : files) {
        done.add(
            pool.submit(
                () -> {
                  try (FileChannel ch = FileChannel.open(s.staged(), StandardOpenOption.WRITE)) {
                    ch.force(true);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making staged files durable", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
