package org.repomirror.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingTest {
  @TempDir Path tmp;

  /**
   * The end of a run cleans staging while an rsync batch's runner may still be removing its own
   * list and errors files (CI once failed so, on {@code .rsync/batch-2.errors}): a file that goes
   * while the clean walks needs no removing, and is no error.
   */
  @Test
  void filesRemovedBySomeoneElseDuringTheCleanAreNoError() throws Exception {
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    Path batches = Files.createDirectories(staging.resolve(".rsync"));
    for (int trial = 0; trial < 20; trial++) {
      List<Path> theirs = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        theirs.add(Files.writeString(batches.resolve("batch-" + i + ".errors"), ""));
      }
      Files.writeString(staging.resolve("left-by-an-earlier-run.deb"), "x");
      Files.writeString(staging.resolve("broken-off.deb.part"), "x");
      CompletableFuture<Void> runner =
          CompletableFuture.runAsync(
              () -> {
                for (Path p : theirs.reversed()) p.toFile().delete();
              });
      Staging.clean(staging);
      runner.join();
      try (Stream<Path> left = Files.list(staging)) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .as("trial " + trial)
            .containsExactly("broken-off.deb.part");
      }
      Files.createDirectories(batches);
    }
  }
}
