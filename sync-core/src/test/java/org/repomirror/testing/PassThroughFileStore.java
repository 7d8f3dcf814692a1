package org.repomirror.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.repomirror.fs.FileStore;

/**
 * The real filesystem, every call passed through: a test's store overrides only the calls it
 * watches or breaks. Thread-safe as the system is.
 */
public class PassThroughFileStore implements FileStore {
  @Override
  public Optional<Stat> stat(Path path) throws IOException {
    return SYSTEM.stat(path);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    SYSTEM.createDirectories(dir);
  }

  @Override
  public void fsync(Path file) throws IOException {
    SYSTEM.fsync(file);
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    SYSTEM.fsyncDirectory(dir);
  }

  @Override
  public boolean syncFilesystem(Path folder) throws IOException {
    return SYSTEM.syncFilesystem(folder);
  }

  @Override
  public void moveAtomically(Path from, Path to) throws IOException {
    SYSTEM.moveAtomically(from, to);
  }

  @Override
  public void deleteIfExists(Path path) throws IOException {
    SYSTEM.deleteIfExists(path);
  }

  @Override
  public boolean deleteIfEmptyFolder(Path dir) throws IOException {
    return SYSTEM.deleteIfEmptyFolder(dir);
  }

  @Override
  public void createSymbolicLink(Path link, String target, long mtimeMillis) throws IOException {
    SYSTEM.createSymbolicLink(link, target, mtimeMillis);
  }

  @Override
  public Optional<String> readSymbolicLink(Path link) throws IOException {
    return SYSTEM.readSymbolicLink(link);
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    SYSTEM.createLink(link, existing);
  }

  @Override
  public void exchange(Path a, Path b) throws IOException {
    SYSTEM.exchange(a, b);
  }

  @Override
  public void deleteTree(Path dir) throws IOException {
    SYSTEM.deleteTree(dir);
  }
}
