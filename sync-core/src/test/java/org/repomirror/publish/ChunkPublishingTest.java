package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;

class ChunkPublishingTest {
  private static FetchOutcome missing(int i, long size) {
    return new FetchOutcome.Missing(
        new FetchTask("p" + i, "p" + i, new ExpectedFile("p" + i, size, null)), "u", 404);
  }

  @Test
  void everyFileIsPublishedOnceInChunksOfAThousandFilesOrOfTheirBytes() throws Exception {
    List<List<FetchOutcome>> chunks = new CopyOnWriteArrayList<>();
    ChunkPublishing p = new ChunkPublishing(c -> chunks.add(List.copyOf(c)));
    for (int i = 0; i < 2500; i++) p.offer(missing(i, 10));
    for (int i = 2500; i < 2505; i++) p.offer(missing(i, 100L << 20));
    p.finish(true);
    assertThat(chunks.stream().map(List::size).toList())
        .as("1000 files, 1000, then 500 small and 3 of 100 MiB reach 256 MiB, then the rest")
        .containsExactly(1000, 1000, 503, 2);
    assertThat(chunks.stream().flatMap(List::stream).map(o -> o.task().localPath()).distinct())
        .hasSize(2505);
  }

  @Test
  void aFailureToPublishIsThrownToTheNextOfferAndByFinish() throws Exception {
    ChunkPublishing p =
        new ChunkPublishing(
            c -> {
              throw new IOException("No space left on device");
            });
    for (int i = 0; i < 1000; i++) p.offer(missing(i, 10));
    long deadline = System.nanoTime() + 10_000_000_000L;
    UncheckedIOException thrown = null;
    while (thrown == null && System.nanoTime() < deadline) {
      try {
        p.offer(missing(-1, 10));
        Thread.sleep(10);
      } catch (UncheckedIOException e) {
        thrown = e;
      }
    }
    assertThat(thrown).as("an offer after the failure throws it").isNotNull();
    assertThat(thrown.getCause()).hasMessage("No space left on device");
    assertThatThrownBy(() -> p.finish(true))
        .isInstanceOf(IOException.class)
        .hasMessage("No space left on device");
  }

  @Test
  void anAbandonedTransferLeavesWhatIsQueuedUnpublished() throws Exception {
    List<FetchOutcome> published = new CopyOnWriteArrayList<>();
    ChunkPublishing p = new ChunkPublishing(published::addAll);
    for (int i = 0; i < 10; i++) p.offer(missing(i, 10));
    p.finish(false);
    assertThat(published).as("less than a chunk, and the transfer failed").isEmpty();
  }
}
