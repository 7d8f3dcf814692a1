package org.repomirror.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.repomirror.run.Ticker;
import org.repomirror.transfer.FetchOutcome;

/**
 * Publishes fetched files a chunk at a time on a thread of its own, while the transfer fetches the
 * next ones: the connections never wait for the disk's renames and fsyncs, nor for the slowest file
 * of a chunk. A chunk is {@value #CHUNK_FILES} files or {@value #CHUNK_BYTES} bytes, whichever
 * comes first, or what waits once its oldest file waited {@value #CHUNK_AGE_MILLIS} ms: so that a
 * transfer smaller than a chunk, or slower than the link lets it fill one, is not published all at
 * its end, after its last file. A chunk is one batch in the index. A failure to publish ends the
 * transfer: the next file offered throws it, and {@link #finish} rethrows it. A publishing that
 * holds its files publishes none until it is released: the apt pool's files wait until every index
 * is read, for only then is it known which suites want each. Outcomes are offered from the
 * transfer's workers; the rest is called by one thread.
 */
final class ChunkPublishing {
  static final int CHUNK_FILES = 1000;
  static final long CHUNK_BYTES = 256L << 20;
  static final long CHUNK_AGE_MILLIS = 1000;

  /** Publishes one chunk. */
  @FunctionalInterface
  interface ChunkSink {
    void publish(List<FetchOutcome> chunk) throws IOException;
  }

  private final LinkedBlockingQueue<FetchOutcome> queue = new LinkedBlockingQueue<>();
  private final ChunkSink sink;
  private final Ticker ticker;
  private final Thread thread;
  private volatile boolean held;
  private volatile boolean closed;
  private volatile boolean abandoned;
  private volatile Throwable failure;

  /**
   * @param held publish nothing until {@link #release}
   * @param ticker times how long the oldest file waits for its chunk
   */
  ChunkPublishing(ChunkSink sink, boolean held, Ticker ticker) {
    this.sink = sink;
    this.held = held;
    this.ticker = ticker;
    this.thread = Thread.ofPlatform().name("publish").daemon().start(this::drain);
  }

  /** Lets the files offered so far, and all the next ones, be published. */
  void release() {
    held = false;
  }

  /** Hands over a fetched file; throws the publishing thread's failure, if it had one. */
  void offer(FetchOutcome o) {
    Throwable f = failure;
    if (f instanceof IOException io) throw new UncheckedIOException(io);
    if (f != null) throw new IllegalStateException("publishing failed", f);
    queue.add(o);
  }

  /**
   * Waits for the publishing thread and rethrows its failure.
   *
   * @param publishRest publish what is still queued (the transfer ended normally); else only the
   *     chunk under way is finished, and the rest stays verified in staging for the next run
   */
  void finish(boolean publishRest) throws IOException, InterruptedException {
    abandoned = !publishRest;
    if (publishRest) held = false;
    closed = true;
    thread.join();
    Throwable f = failure;
    if (f instanceof IOException io) throw io;
    if (f instanceof RuntimeException r) throw r;
    if (f instanceof Error e) throw e;
    if (f != null) throw new IOException("publishing failed", f);
  }

  private void drain() {
    List<FetchOutcome> pending = new ArrayList<>();
    List<Long> arrived = new ArrayList<>(); // when each pending file came, in ticker nanos
    try {
      while (!abandoned) {
        FetchOutcome o = queue.poll(20, TimeUnit.MILLISECONDS);
        if (o != null) {
          pending.add(o);
          arrived.add(ticker.nanos());
        } else if (closed && queue.isEmpty()) { // an offer before the close is seen first
          break;
        }
        if (!held) publishChunks(pending, arrived, aged(arrived));
      }
      if (!abandoned) publishChunks(pending, arrived, true);
    } catch (Throwable e) { // kept for the transfer's workers and for finish
      failure = e;
    }
  }

  /** Whether the oldest file pending waited long enough to go in a chunk short of full. */
  private boolean aged(List<Long> arrived) {
    return !arrived.isEmpty()
        && ticker.nanos() - arrived.getFirst() >= TimeUnit.MILLISECONDS.toNanos(CHUNK_AGE_MILLIS);
  }

  /** Publishes the whole chunks pending, and with {@code all} the rest too; removes them. */
  private void publishChunks(List<FetchOutcome> pending, List<Long> arrived, boolean all)
      throws IOException {
    int from = 0;
    long bytes = 0;
    for (int i = 0; i < pending.size(); i++) {
      bytes += Math.max(0, pending.get(i).task().expected().size());
      if (i + 1 - from >= CHUNK_FILES || bytes >= CHUNK_BYTES) {
        sink.publish(new ArrayList<>(pending.subList(from, i + 1)));
        from = i + 1;
        bytes = 0;
      }
    }
    if (all && from < pending.size()) {
      sink.publish(new ArrayList<>(pending.subList(from, pending.size())));
      from = pending.size();
    }
    pending.subList(0, from).clear();
    arrived.subList(0, from).clear();
  }
}
