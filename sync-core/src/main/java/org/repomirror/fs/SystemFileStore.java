package org.repomirror.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The real filesystem, through java.nio. */
final class SystemFileStore implements FileStore {
  @Override
  public Optional<Stat> stat(Path path) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Stat.Kind kind =
        a.isRegularFile()
            ? Stat.Kind.FILE
            : a.isSymbolicLink()
                ? Stat.Kind.LINK
                : a.isDirectory() ? Stat.Kind.DIRECTORY : Stat.Kind.OTHER;
    return Optional.of(new Stat(kind, a.size(), a.lastModifiedTime().toMillis()));
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  public void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public boolean syncFilesystem(Path folder) throws IOException {
    return Syncfs.sync(folder);
  }

  @Override
  public void moveAtomically(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void deleteIfExists(Path path) throws IOException {
    Files.deleteIfExists(path);
  }

  @Override
  public boolean deleteIfEmptyFolder(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return false;
    try {
      Files.delete(dir);
      return true;
    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public void createSymbolicLink(Path link, String target, long mtimeMillis) throws IOException {
    Files.createSymbolicLink(link, Path.of(target));
    if (mtimeMillis >= 0) {
      Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.fromMillis(mtimeMillis), null, null);
    }
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    Files.createLink(link, existing);
  }

  @Override
  public void exchange(Path a, Path b) throws IOException {
    Renameat2.exchange(a, b);
  }

  @Override
  public void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
    List<Path> deepestFirst;
    try (Stream<Path> walk = Files.walk(dir)) {
      deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path p : deepestFirst) Files.deleteIfExists(p);
  }

  @Override
  public Optional<String> readSymbolicLink(Path link) throws IOException {
    try {
      return Optional.of(Files.readSymbolicLink(link).toString());
    } catch (NotLinkException | NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
