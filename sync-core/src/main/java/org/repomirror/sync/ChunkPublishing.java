package org.repomirror.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.repomirror.transfer.FetchOutcome;

/**
 * Publishes fetched files a chunk at a time on a thread of its own, while the transfer fetches the
 * next ones: the connections never wait for the disk's renames and fsyncs, nor for the slowest file
 * of a chunk. A chunk is {@value #CHUNK_FILES} files or {@value #CHUNK_BYTES} bytes, whichever
 * comes first, and one batch in the index. A failure to publish ends the transfer: the next file
 * offered throws it, and {@link #finish} rethrows it. Outcomes are offered from the transfer's
 * workers; the rest is called by one thread.
 */
final class ChunkPublishing {
  static final int CHUNK_FILES = 1000;
  static final long CHUNK_BYTES = 256L << 20;

  /** Publishes one chunk. */
  @FunctionalInterface
  interface ChunkSink {
    void publish(List<FetchOutcome> chunk) throws IOException;
  }

  private final LinkedBlockingQueue<FetchOutcome> queue = new LinkedBlockingQueue<>();
  private final ChunkSink sink;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean abandoned;
  private volatile Throwable failure;

  ChunkPublishing(ChunkSink sink) {
    this.sink = sink;
    this.thread = Thread.ofPlatform().name("publish").daemon().start(this::drain);
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
    closed = true;
    thread.join();
    Throwable f = failure;
    if (f instanceof IOException io) throw io;
    if (f instanceof RuntimeException r) throw r;
    if (f instanceof Error e) throw e;
    if (f != null) throw new IOException("publishing failed", f);
  }

  private void drain() {
    List<FetchOutcome> chunk = new ArrayList<>();
    long bytes = 0;
    try {
      while (!abandoned) {
        FetchOutcome o = queue.poll(20, TimeUnit.MILLISECONDS);
        if (o == null) {
          if (!closed) continue;
          if (!queue.isEmpty()) continue; // offered before the close, seen only now
          break;
        }
        chunk.add(o);
        bytes += Math.max(0, o.task().expected().size());
        if (chunk.size() >= CHUNK_FILES || bytes >= CHUNK_BYTES) {
          sink.publish(chunk);
          chunk = new ArrayList<>();
          bytes = 0;
        }
      }
      if (!abandoned && !chunk.isEmpty()) sink.publish(chunk);
    } catch (Throwable e) { // kept for the transfer's workers and for finish
      failure = e;
    }
  }
}
