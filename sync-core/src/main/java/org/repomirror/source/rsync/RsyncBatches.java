package org.repomirror.source.rsync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.repomirror.run.Ticker;
import org.repomirror.source.FetchException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the files a transfer expects in batches: each batch is one run of rsync over a list of
 * them, several runs at once, so that the link carries a stream of files rather than one request
 * per round trip. rsync writes each file under a temporary name and renames it into place when it
 * is whole, so a file at its path in the destination is a delivered one. A file that broke off
 * stays in rsync's partial folder, the basis of its next try. Thread-safe.
 */
final class RsyncBatches implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RsyncBatches.class);

  /** Where rsync keeps a file broken off, beside where it goes. */
  static final String PARTIAL_DIR = ".rsync-partial";

  private static final int MAX_FILES = 1000;
  private static final long MAX_BYTES = 64L << 20;

  /**
   * The least a batch takes while more wait: each run of rsync costs its process and a few round
   * trips to the daemon before the first byte, so a run of a handful of files costs what a run of
   * hundreds does.
   */
  private static final int MIN_FILES = 250;

  private static final long MIN_BYTES = 16L << 20;

  /**
   * A batch goes once no file was expected for this long: the transfer hands over a chunk of files
   * in a burst, and a batch cut in the middle of one would be a run for a handful of files.
   */
  private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** The longest the first file expected waits for others to join its batch. */
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** The longest a close waits for the runs it ended to clean up. */
  private static final long CLOSE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** A file expected, and what became of it. */
  private static final class Entry {
    final String path;
    final long size;
    final long since;
    final CompletableFuture<Long> delivered = new CompletableFuture<>();
    boolean alone;
    long bytes;

    Entry(String path, long size, boolean alone, long since) {
      this.path = path;
      this.size = size;
      this.alone = alone;
      this.since = since;
    }
  }

  private final RsyncCommand command;
  private final Path work;
  private final Path dest;
  private final Path basis;
  private final RunsAtOnce runs;
  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private final Map<String, Entry> entries = new HashMap<>();
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private long queuedBytes;
  private long lastExpected;
  private int batches;
  private boolean closed;
  private volatile boolean stopped;

  /**
   * @param work where the lists, errors and rsync's destination live; on the filesystem of the
   *     files' targets, so that placing a file is a rename
   * @param basis the published tree, whose copy of a file is the basis of its block delta; or null
   * @param runs rsync runs at once
   * @param ticker times how long files wait for their batch
   */
  RsyncBatches(RsyncCommand command, Path work, Path basis, int runs, Ticker ticker) {
    this.ticker = ticker;
    this.command = command;
    this.work = work;
    this.dest = work.resolve("files");
    this.basis = basis;
    this.runs = new RunsAtOnce(runs);
  }

  /** Queues a file for a batch; a file already queued or delivered stays as it is. */
  void expect(String path, long size) {
    lock.lock();
    try {
      if (!closed && !stopped && !entries.containsKey(path)) add(path, size, false);
    } finally {
      lock.unlock();
    }
  }

  private Entry add(String path, long size, boolean alone) {
    Entry e = new Entry(path, size, alone, ticker.nanos());
    entries.put(path, e);
    queue.addLast(e);
    queuedBytes += Math.max(0, size);
    lastExpected = e.since;
    if (runs.addRunner()) {
      Thread t = new Thread(this::serve, "rsync-" + (threads.size() + 1));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    queued.signalAll();
    return e;
  }

  /** Waits for a file's batch, then renames the file to the target. */
  long place(String path, Path target, boolean alone) throws IOException, InterruptedException {
    Entry e;
    lock.lock();
    try {
      if (closed || stopped) throw stoppedFailure(path);
      e = entries.get(path);
      if (e == null) {
        e = add(path, -1, alone);
      } else if (alone && queue.contains(e)) {
        e.alone = true;
      }
    } finally {
      lock.unlock();
    }
    long bytes;
    try {
      bytes = e.delivered.get();
    } catch (ExecutionException x) {
      throw (IOException) x.getCause();
    } finally {
      lock.lock();
      try {
        entries.remove(path, e);
      } finally {
        lock.unlock();
      }
    }
    try {
      Files.move(
          dest.resolve(path),
          target,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException x) {
      throw new FetchException(
          FetchException.Kind.TRANSIENT, command.url(path), 0, "rsync's copy went away", 0, x);
    }
    return bytes;
  }

  /**
   * One runner: takes batches and runs rsync over each, until closed. A run that fails in a way no
   * one foresaw fails its files, not the runner, so later batches still find one.
   */
  private void serve() {
    try {
      for (List<Entry> batch; (batch = take()) != null; ) {
        try {
          run(batch);
        } catch (RuntimeException e) {
          log.warn("an rsync run failed: {}", e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The next batch: once no file came for a moment, or the oldest waited its linger, or enough wait
   * to fill one, a share of what waits; a file to fetch alone is a batch of its own.
   */
  private List<Entry> take() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (closed) return null;
        if (runs.retireRunner()) return null; // one too many for the daemon
        if (queue.isEmpty()) {
          queued.await();
          continue;
        }
        Entry head = queue.peekFirst();
        long now = ticker.nanos();
        long lingered = LINGER_NANOS - (now - head.since);
        long quiet = QUIET_NANOS - (now - lastExpected);
        boolean full = queue.size() >= MAX_FILES || queuedBytes >= MAX_BYTES;
        if (!full && !head.alone && lingered > 0 && quiet > 0) {
          queued.awaitNanos(Math.min(lingered, quiet));
          continue;
        }
        List<Entry> batch = new ArrayList<>();
        if (head.alone) {
          batch.add(dequeue());
          return batch;
        }
        int at = runs.allowed();
        int files = Math.min(MAX_FILES, Math.max(MIN_FILES, (queue.size() + at - 1) / at));
        long bytes = Math.min(MAX_BYTES, Math.max(MIN_BYTES, queuedBytes / at));
        long taken = 0;
        while (!queue.isEmpty() && !queue.peekFirst().alone && batch.size() < files) {
          if (!batch.isEmpty() && taken + Math.max(0, queue.peekFirst().size) > bytes) break;
          Entry e = dequeue();
          taken += Math.max(0, e.size);
          batch.add(e);
        }
        return batch;
      }
    } finally {
      lock.unlock();
    }
  }

  private Entry dequeue() {
    Entry e = queue.pollFirst();
    queuedBytes -= Math.max(0, e.size);
    return e;
  }

  /** Runs rsync over one batch and tells each of its files what became of it. */
  private void run(List<Entry> batch) throws InterruptedException {
    boolean alone = batch.getFirst().alone;
    int number;
    lock.lock();
    try {
      number = ++batches;
    } finally {
      lock.unlock();
    }
    boolean again = false;
    runs.runStarted();
    Path list = work.resolve("batch-" + number + ".list");
    Path errors = work.resolve("batch-" + number + ".errors");
    Map<String, Entry> byPath = new HashMap<>();
    long started = ticker.nanos();
    ArrayDeque<Entry> announced = new ArrayDeque<>();
    try {
      Files.createDirectories(dest);
      StringBuilder names = new StringBuilder();
      for (Entry e : batch) {
        clearStale(e.path, alone);
        byPath.put(e.path, e);
        names.append(e.path).append('\0');
      }
      Files.writeString(list, names, StandardCharsets.UTF_8);
      RsyncRun.Ended end =
          RsyncRun.run(
              command.copy(list, dest, alone ? null : basis),
              errors,
              line -> announce(line, byPath, announced),
              running,
              ticker);
      log.debug(
          "rsync batch {}: {} files in {} ms{}",
          number,
          batch.size(),
          (ticker.nanos() - started) / 1_000_000,
          end.ok() ? "" : ": " + end.said());
      if (end.busy()
          && batch.stream().noneMatch(e -> e.delivered.isDone())
          && fewerAtOnce(number)) {
        again = true;
        requeue(batch);
        return;
      }
      for (Entry e : batch) {
        if (!e.delivered.isDone()) settle(e, end);
      }
    } catch (IOException x) {
      for (Entry e : batch) e.delivered.completeExceptionally(x);
    } finally {
      runs.runEnded();
      // Whatever ended the run, no file of it is left waiting for ever.
      for (Entry e : batch) {
        if (again || e.delivered.isDone()) continue;
        e.delivered.completeExceptionally(
            new FetchException(
                FetchException.Kind.TRANSIENT,
                command.url(e.path),
                0,
                "the rsync run broke off",
                0,
                null));
      }
      try {
        Files.deleteIfExists(list);
      } catch (IOException x) {
        log.debug("could not delete {}: {}", list, x.toString());
      }
    }
  }

  /** Whether a batch the daemon refused for its limit goes again, with fewer runs at once. */
  private boolean fewerAtOnce(int number) {
    lock.lock();
    try {
      if (closed || stopped || !runs.refused()) return false;
    } finally {
      lock.unlock();
    }
    log.debug(
        "rsync batch {}: refused for the daemon's limit; it goes again, {} runs at once",
        number,
        runs.allowed());
    return true;
  }

  /** Puts a refused batch back at the head of the queue, in its order. */
  private void requeue(List<Entry> batch) {
    lock.lock();
    try {
      for (Entry e : batch.reversed()) {
        queue.addFirst(e);
        queuedBytes += Math.max(0, e.size);
      }
      queued.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** What the report should say about the runs, each said once. */
  List<String> warnings() {
    List<String> said = runs.warnings(command.url(""));
    said.forEach(w -> log.warn("{}", w));
    return said;
  }

  /**
   * Tells a file of a run that has ended what became of it: there, it is delivered; else rsync's
   * words say whether the upstream lacks it, may not read it, or the run failed.
   */
  private void settle(Entry e, RsyncRun.Ended end) {
    String url = command.url(e.path);
    if (Files.isRegularFile(dest.resolve(e.path), LinkOption.NOFOLLOW_LINKS)) {
      e.delivered.complete(e.bytes);
    } else if (end.missing(e.path) || end.ok()) {
      String why = end.ok() ? "not a regular file upstream" : "no such file";
      e.delivered.completeExceptionally(
          new FetchException(FetchException.Kind.NOT_FOUND, url, 0, why, 0, null));
    } else if (end.refused(e.path)) {
      e.delivered.completeExceptionally(
          new FetchException(FetchException.Kind.FATAL, url, 0, end.said(), 0, null));
    } else {
      e.delivered.completeExceptionally(end.failure(url));
    }
  }

  /**
   * Hears a line of rsync's output ({@code bytes path}). rsync names a file once it received it and
   * renames it into place just after, before it names the next: so each file named is whole at its
   * path from the moment it is there.
   */
  private void announce(String line, Map<String, Entry> byPath, ArrayDeque<Entry> announced) {
    int space = line.indexOf(' ');
    if (space > 0 && !line.endsWith("/")) {
      Entry e = byPath.get(line.substring(space + 1));
      if (e != null) {
        try {
          e.bytes = Long.parseLong(line, 0, space, 10);
        } catch (NumberFormatException x) {
          return; // a message, not a file
        }
        announced.addLast(e);
      }
    }
    while (!announced.isEmpty()
        && Files.isRegularFile(
            dest.resolve(announced.peekFirst().path), LinkOption.NOFOLLOW_LINKS)) {
      Entry e = announced.pollFirst();
      e.delivered.complete(e.bytes);
    }
  }

  /**
   * Clears a file an interrupted run left whole in the destination, so that a file there is one
   * this batch delivered: it becomes the basis of the new copy, unless the copy starts from scratch
   * or a partial copy is the basis already.
   */
  private void clearStale(String path, boolean fromScratch) throws IOException {
    Path file = dest.resolve(path);
    Path partial = file.resolveSibling(PARTIAL_DIR).resolve(file.getFileName().toString());
    if (fromScratch) Files.deleteIfExists(partial);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return;
    if (fromScratch || Files.exists(partial)) {
      Files.delete(file);
    } else {
      Files.createDirectories(partial.getParent());
      Files.move(file, partial, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Ends the runs under way (rsync keeps what it had of a file to resume) and fails every file
   * waiting; later ones fail at once.
   */
  void stop() {
    stopped = true;
    failWaiting();
  }

  /**
   * Ends the runs under way, fails every file waiting, and waits for the runners to clean up after
   * their runs: the JVM may exit right after, and a runner cut off there would leave its list.
   */
  @Override
  public void close() {
    List<Thread> runners;
    lock.lock();
    try {
      closed = true;
      queued.signalAll();
      runners = List.copyOf(threads);
    } finally {
      lock.unlock();
    }
    failWaiting();
    long deadline = ticker.nanos() + CLOSE_NANOS;
    try {
      for (Thread t : runners) {
        // A runner that took its batch just before the close starts its run after it: end it too.
        while (t.isAlive() && ticker.nanos() < deadline) {
          for (Process p : running) p.destroy();
          t.join(Duration.ofMillis(20));
        }
        if (t.isAlive()) log.warn("{} still runs after the close", t.getName());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void failWaiting() {
    for (Process p : running) p.destroy();
    lock.lock();
    try {
      for (Entry e : entries.values()) e.delivered.completeExceptionally(stoppedFailure(e.path));
      queue.clear();
      queuedBytes = 0;
    } finally {
      lock.unlock();
    }
  }

  private FetchException stoppedFailure(String path) {
    return new FetchException(
        FetchException.Kind.TRANSIENT, command.url(path), 0, "the transfer was stopped", 0, null);
  }
}
