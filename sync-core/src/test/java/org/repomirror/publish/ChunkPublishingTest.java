package org.repomirror.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.run.Ticker;
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
    ChunkPublishing p = new ChunkPublishing(c -> chunks.add(List.copyOf(c)), false, Ticker.SYSTEM);
    for (int i = 0; i < 2500; i++) p.offer(missing(i, 10));
    for (int i = 2500; i < 2505; i++) p.offer(missing(i, 100L << 20));
    p.finish(true);
    assertThat(chunks.stream().map(List::size).toList())
        .as("1000 files, 1000, then 500 small and 3 of 100 MiB reach 256 MiB, then the rest")
        .containsExactly(1000, 1000, 503, 2);
    assertThat(chunks.stream().flatMap(List::stream).map(o -> o.task().localPath()).distinct())
        .hasSize(2505);
  }

  /**
   * A transfer smaller than a chunk, or one slower than it takes to fill one, is published as it
   * goes rather than all after its last file: a chunk short of full goes once its oldest file
   * waited a second.
   */
  @Test
  void aChunkShortOfFullGoesOnceItsOldestFileWaitedASecond() throws Exception {
    AtomicLong now = new AtomicLong();
    List<List<FetchOutcome>> chunks = new CopyOnWriteArrayList<>();
    ChunkPublishing p = new ChunkPublishing(c -> chunks.add(List.copyOf(c)), false, now::get);
    for (int i = 0; i < 3; i++) p.offer(missing(i, 10));
    Thread.sleep(200);
    assertThat(chunks).as("nothing waited a second yet").isEmpty();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ChunkPublishing.CHUNK_AGE_MILLIS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (chunks.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(chunks).as("published before the transfer ends").hasSize(1);
    assertThat(chunks.getFirst()).hasSize(3);
    p.offer(missing(3, 10));
    p.finish(true);
    assertThat(chunks.stream().map(List::size).toList()).containsExactly(3, 1);
  }

  @Test
  void aFailureToPublishIsThrownToTheNextOfferAndByFinish() throws Exception {
    ChunkPublishing p =
        new ChunkPublishing(
            c -> {
              throw new IOException("No space left on device");
            },
            false,
            Ticker.SYSTEM);
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
    ChunkPublishing p = new ChunkPublishing(published::addAll, false, Ticker.SYSTEM);
    for (int i = 0; i < 10; i++) p.offer(missing(i, 10));
    p.finish(false);
    assertThat(published).as("less than a chunk, and the transfer failed").isEmpty();
  }
}
