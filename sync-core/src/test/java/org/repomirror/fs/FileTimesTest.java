package org.repomirror.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTimesTest {
  @TempDir Path dir;

  @Test
  void aFileGetsTheModificationTimeGivenAndTheSameAccessTime() throws Exception {
    Path file = Files.writeString(dir.resolve("a"), "a");
    FileTimes.set(file, 1_234_567_890_123L);
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    assertEquals(1_234_567_890_123L, a.lastModifiedTime().toMillis());
    assertEquals(1_234_567_890_123L, a.lastAccessTime().toMillis());
  }

  @Test
  void aLinkIsSetItselfAndItsTargetIsLeftAlone() throws Exception {
    Path target = Files.writeString(dir.resolve("target"), "t");
    FileTimes.set(target, 1_000_000_000_000L);
    Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
    FileTimes.set(link, 1_500_000_000_000L);
    assertEquals(
        1_500_000_000_000L, Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toMillis());
    assertEquals(1_000_000_000_000L, Files.getLastModifiedTime(target).toMillis());
  }
}
