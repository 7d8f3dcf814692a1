package org.repomirror.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;

/**
 * A file's times set as a mirror sets them: the modification time given, and the access time the
 * same. Both given at once, the JDK sets them with {@code futimens} alone; {@link
 * Files#setLastModifiedTime} first reads the access time it keeps, a {@code fstat} more per file.
 */
public final class FileTimes {
  private FileTimes() {}

  /** Sets a regular file's modification and access times; a symbolic link is not followed. */
  public static void set(Path file, long mtimeMillis) throws IOException {
    FileTime t = FileTime.fromMillis(mtimeMillis);
    Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(t, t, null);
  }
}
