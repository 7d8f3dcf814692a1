package org.repomirror.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import org.repomirror.plan.DiskView;

/**
 * The tree a mirror serves, as the sync reads it: what is at a path, and a published file's bytes.
 * Paths are relative to the mirror's root. The local filesystem is one implementation ({@link
 * LocalTree}); implementations are thread-safe.
 */
public interface PublishedTree extends DiskView {
  /**
   * Opens a published file.
   *
   * @throws NoSuchFileException when there is none at the path
   */
  InputStream open(String path) throws IOException;

  /** A published file's bytes, or empty when there is none at the path. */
  default Optional<byte[]> read(String path) throws IOException {
    try (InputStream in = open(path)) {
      return Optional.of(in.readAllBytes());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Whether anything is at the path. */
  default boolean exists(String path) {
    return stat(path).isPresent();
  }
}
