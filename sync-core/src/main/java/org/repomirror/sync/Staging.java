package org.repomirror.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging folder between runs. Partial downloads ({@code .part}) stay to resume; verified files
 * a crashed run left stay too, for the next run to reuse after hashing them again (the transfer
 * does). What a run leaves unused goes at its end, with the folders it emptied.
 */
final class Staging {
  private static final Logger log = LoggerFactory.getLogger(Staging.class);

  private Staging() {}

  /** Whether a failure, or one of its causes, is a full disk (ENOSPC). */
  static boolean diskFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("No space left on device")) return true;
    }
    return false;
  }

  /** Removes every staged file but partial downloads, and every folder that is then empty. */
  static void clean(MirrorLayout layout) throws IOException {
    Path staging = layout.staging();
    if (!Files.isDirectory(staging)) return;
    List<Path> all;
    try (Stream<Path> walk = Files.walk(staging)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path p : all) {
      if (p.equals(staging)) continue;
      if (Files.isDirectory(p)) {
        try (Stream<Path> left = Files.list(p)) {
          if (left.findAny().isEmpty()) Files.delete(p);
        }
      } else if (!p.getFileName().toString().endsWith(".part")) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * After an I/O failure: on a full disk everything staged goes, partial downloads too, to give the
   * space back; otherwise verified files and partial downloads stay for the next run. The published
   * tree is untouched either way.
   */
  static void abandon(MirrorLayout layout, Exception cause) {
    if (!diskFull(cause)) return;
    try (Stream<Path> files = Files.walk(layout.staging())) {
      for (Path p : files.filter(Files::isRegularFile).toList()) Files.deleteIfExists(p);
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not clean {}: {}", layout.staging(), e.toString());
    }
  }
}
