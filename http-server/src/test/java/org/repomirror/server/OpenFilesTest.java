package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.FileRegion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.store.ServedTree;

/**
 * The descriptors held open between answers, counted in {@code /proc/self/fd}: one per file however
 * often it is sent, a new one when the path names a new file (the old kept until its answer is
 * sent), none left for a deleted file after the idle time, and never more than the bound.
 */
class OpenFilesTest {
  @TempDir Path tmp;
  private OpenFiles openFiles;

  @AfterEach
  void close() {
    if (openFiles != null) openFiles.close();
  }

  @Test
  void aFileSentAgainIsSentFromTheSameDescriptor() throws IOException {
    openFiles = new OpenFiles();
    Path file = write("pool/a.deb", "first bytes");
    for (int i = 0; i < 5; i++) {
      assertThat(send(openFiles.region(resolved(file), 0, 11))).isEqualTo("first bytes");
    }
    FileRegion part = openFiles.region(resolved(file), 6, 5);
    assertThat(descriptorsOf(file)).as("one, while an answer sends it too").isEqualTo(1);
    assertThat(send(part)).isEqualTo("bytes");
    assertThat(descriptorsOf(file)).as("held for the next request").isEqualTo(1);
    openFiles.close();
    assertThat(descriptorsOf(file)).as("after the close").isZero();
  }

  @Test
  void aPathThatNamesANewFileGetsItsBytesAndTheOldDescriptorClosesAfterItsAnswer()
      throws IOException {
    openFiles = new OpenFiles();
    Path file = write("pool/a.deb", "old bytes");
    ServedTree.RegularFile before = resolved(file);
    FileRegion sending = openFiles.region(before, 0, 9);
    // The sync's publish: a new file renamed over the path, of the same size.
    Files.move(
        write("staging/a.deb", "new bytes"),
        file,
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    assertThat(send(openFiles.region(resolved(file), 0, 9))).isEqualTo("new bytes");
    assertThat(descriptorsOf(file))
        .as("the new file's and the old one, still being sent")
        .isEqualTo(2);
    assertThat(send(sending)).as("the answer under way stays whole").isEqualTo("old bytes");
    assertThat(descriptorsOf(file)).as("the old one closed").isEqualTo(1);
  }

  @Test
  void aFileThatChangedSinceItWasResolvedIsNotHeld() throws IOException {
    openFiles = new OpenFiles();
    Path file = write("pool/a.deb", "old bytes");
    ServedTree.RegularFile stale = resolved(file);
    Files.move(
        write("staging/a.deb", "new bytes, longer"),
        file,
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    FileRegion region = openFiles.region(stale, 0, 9);
    assertThat(openFiles.held()).isZero();
    assertThat(send(region)).as("opened from the path when sent, as before").isEqualTo("new bytes");
    assertThat(descriptorsOf(file)).isZero();
  }

  @Test
  void aDeletedFileGivesBackItsDescriptorAfterTheIdleTime() throws Exception {
    openFiles = new OpenFiles(OpenFiles.MAX_OPEN, Duration.ofMillis(200));
    Path file = write("pool/a.deb", "bytes");
    send(openFiles.region(resolved(file), 0, 5));
    Files.delete(file);
    assertThat(descriptorsOf(file)).as("held").isEqualTo(1);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (descriptorsOf(file) > 0 && System.nanoTime() < deadline) Thread.sleep(50);
    assertThat(descriptorsOf(file)).as("closed within the idle time and a margin").isZero();
  }

  @Test
  void noMoreThanTheBoundAreHeld() throws IOException {
    openFiles = new OpenFiles(8, OpenFiles.IDLE);
    for (int i = 0; i < 40; i++) {
      Path file = write("pool/f" + i + ".deb", "file " + i);
      assertThat(send(openFiles.region(resolved(file), 0, Files.size(file))))
          .isEqualTo("file " + i);
    }
    assertThat(openFiles.held()).isLessThanOrEqualTo(8);
    assertThat(descriptorsUnder(tmp.resolve("pool"))).isEqualTo(openFiles.held()).isPositive();
  }

  private Path write(String path, String content) throws IOException {
    Path file = tmp.resolve(path);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  private static ServedTree.RegularFile resolved(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new ServedTree.RegularFile(file, a.size(), a.lastModifiedTime(), a.fileKey());
  }

  /** Sends a region as the event loop does, and lets go of it. */
  private static String send(FileRegion region) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (WritableByteChannel sink = Channels.newChannel(out)) {
      while (region.transferred() < region.count()) {
        region.transferTo(sink, region.transferred());
      }
    } finally {
      region.release();
    }
    return out.toString();
  }

  /** This process's descriptors open on a path, deleted or not. */
  private static long descriptorsOf(Path file) throws IOException {
    String name = file.toString();
    return links().filter(l -> l.equals(name) || l.equals(name + " (deleted)")).count();
  }

  private static long descriptorsUnder(Path folder) throws IOException {
    String prefix = folder + "/";
    return links().filter(l -> l.startsWith(prefix)).count();
  }

  private static Stream<String> links() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds
          .map(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                  return ""; // closed while listed
                }
              })
          .toList()
          .stream();
    }
  }
}
