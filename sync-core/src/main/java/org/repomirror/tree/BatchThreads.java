package org.repomirror.tree;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Items read on one thread (a manifest's lines, rsync's listing) handed on in batches to threads of
 * their own, which do the work of each: deciding an entry against the index and the disk is most of
 * a listing's cost, and one thread left the other cores idle. Items are added from one thread only.
 * After a failure of the work, later batches are dropped.
 *
 * @param <T> what is handed on
 */
final class BatchThreads<T> implements AutoCloseable {
  private static final int BATCH = 512;

  /** Threads for a listing's entries: one a core, up to 8, each deciding against the index. */
  static final int PER_CORE = Math.min(8, Runtime.getRuntime().availableProcessors());

  /** The work on one batch. */
  @FunctionalInterface
  interface Work<T> {
    void run(List<T> batch) throws IOException;
  }

  private final Work<T> work;
  private final List<T> end = new ArrayList<>(0); // tells a thread that nothing more comes
  private final BlockingQueue<List<T>> queue;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private List<T> batch = new ArrayList<>(BATCH);
  private boolean finished;

  /** Set before the threads are interrupted: the work may take the interrupt for its own. */
  private volatile boolean closing;

  /**
   * @param name the threads' name, for thread dumps
   * @param count how many threads do the work
   */
  BatchThreads(String name, int count, Work<T> work) {
    this.work = work;
    this.queue = new ArrayBlockingQueue<>(4 * count);
    for (int i = 0; i < count; i++) {
      threads.add(Thread.ofPlatform().name(name + " " + i).daemon().start(this::work));
    }
  }

  /** Hands an item on; waits while the threads are that far behind. */
  void add(T item) throws InterruptedException {
    batch.add(item);
    if (batch.size() == BATCH) {
      queue.put(batch);
      batch = new ArrayList<>(BATCH);
    }
  }

  /** Whether the work failed: what is added after that is dropped, so adding may stop. */
  boolean failed() {
    return failure.get() != null;
  }

  /**
   * Nothing more comes: waits until every item's work is done.
   *
   * @throws IOException the first failure of the work, as it was thrown
   */
  void finish() throws IOException, InterruptedException {
    if (!batch.isEmpty()) queue.put(batch);
    batch = new ArrayList<>(0);
    for (int i = 0; i < threads.size(); i++) queue.put(end);
    for (Thread t : threads) t.join();
    finished = true;
    switch (failure.get()) {
      case null -> {}
      case IOException e -> throw e;
      case UncheckedIOException e -> throw e.getCause();
      case RuntimeException e -> throw e;
      case Error e -> throw e;
      case Throwable e -> throw new IOException(e);
    }
  }

  /** Stops the threads, unless they finished: their batches under way break off. */
  @Override
  public void close() {
    if (finished) return;
    closing = true;
    threads.forEach(Thread::interrupt);
    threads.forEach(BatchThreads::joinUninterruptibly);
  }

  /** Waits for a thread to end; an interrupt meanwhile is kept for the caller, not lost. */
  static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private void work() {
    try {
      while (!closing) { // checked before each wait: the work may have taken the interrupt
        List<T> b = queue.take();
        if (b == end) return;
        if (failure.get() != null) continue;
        try {
          work.run(b);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }
    } catch (InterruptedException e) {
      failure.compareAndSet(null, new InterruptedIOException("stopped"));
    }
  }
}
