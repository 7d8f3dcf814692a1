package org.repomirror.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging folder between runs: one flat folder (see {@code StagingNames}). Partial downloads
 * ({@code .part}) stay to resume. A run that ends normally has published or deleted every whole
 * file it staged; only an interrupted run (stopped, killed, crashed) leaves verified files, and the
 * next run reuses them after hashing them again (the transfer does), then clears what it did not
 * take.
 */
public final class Staging {
  private static final Logger log = LoggerFactory.getLogger(Staging.class);

  private Staging() {}

  /**
   * At the end of a run that went through: removes every whole file an earlier interrupted run left
   * and this one did not take, and every folder (as older versions left); partial downloads stay.
   */
  public static void clean(Path staging) throws IOException {
    if (!Files.isDirectory(staging)) return;
    Files.walkFileTree(
        staging,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
            if (!file.getFileName().toString().endsWith(".part")) Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            return goneMeanwhile(e);
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) goneMeanwhile(e);
            if (!dir.equals(staging)) {
              try {
                Files.deleteIfExists(dir);
              } catch (DirectoryNotEmptyException kept) {
                // a partial download stays, and its folder with it
              }
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * A file that went while the clean walked needs no removing: an rsync batch's runner removes its
   * own list and errors files as it winds down, which may be after the run's last file arrived.
   */
  private static FileVisitResult goneMeanwhile(IOException e) throws IOException {
    if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
    throw e;
  }

  /** Whether a failure, or one of its causes, is a full disk (ENOSPC). */
  public static boolean diskFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("No space left on device")) return true;
    }
    return false;
  }

  /**
   * After an I/O failure: on a full disk everything staged goes, partial downloads too, to give the
   * space back; otherwise verified files and partial downloads stay for the next run. The published
   * tree is untouched either way.
   */
  public static void abandon(Path staging, Exception cause) {
    if (!diskFull(cause)) return;
    try (Stream<Path> files = Files.walk(staging)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) Files.deleteIfExists(p);
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not clean {}: {}", staging, e.toString());
    }
  }
}
