package org.repomirror.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * An I/O failure in words: the path and the reason, as the kernel says it ({@code /srv/mirror:
 * Permission denied}). The JDK's own messages for the commonest failures are the bare path.
 */
public final class IoErrors {
  private IoErrors() {}

  /** The path (or paths) and the reason of an I/O failure, without Java's class names. */
  public static String describe(Throwable failure) {
    Throwable e = failure;
    while ((e instanceof UncheckedIOException || e instanceof DirectoryIteratorException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof FileSystemException f) {
      StringBuilder s = new StringBuilder();
      if (f.getFile() != null) s.append(f.getFile());
      if (f.getOtherFile() != null) s.append(" -> ").append(f.getOtherFile());
      if (!s.isEmpty()) s.append(": ");
      return s.append(f.getReason() != null ? f.getReason() : reasonOf(f)).toString();
    }
    if (e.getMessage() != null && !e.getMessage().isBlank()) return e.getMessage();
    return e instanceof IOException ? "I/O error" : e.toString();
  }

  private static String reasonOf(FileSystemException e) {
    return switch (e) {
      case AccessDeniedException a -> "Permission denied";
      case NoSuchFileException n -> "No such file or directory";
      case FileAlreadyExistsException x -> "File exists";
      case DirectoryNotEmptyException d -> "Directory not empty";
      case NotDirectoryException d -> "Not a directory";
      default -> "I/O error";
    };
  }
}
