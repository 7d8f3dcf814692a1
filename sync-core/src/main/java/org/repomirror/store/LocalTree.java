package org.repomirror.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.repomirror.fs.FileStore;

/** The published tree on a local filesystem, under one root. Thread-safe. */
public final class LocalTree implements PublishedTree {
  private final Path root;
  private final FileStore files;

  /**
   * @param files the filesystem seam every call goes through (a faulty one, in tests)
   */
  public LocalTree(Path root, FileStore files) {
    this.root = root;
    this.files = files;
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
}
