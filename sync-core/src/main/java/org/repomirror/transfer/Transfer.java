package org.repomirror.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.fs.StagingNames;
import org.repomirror.run.Ledger;
import org.repomirror.run.Progress;
import org.repomirror.run.Ticker;
import org.repomirror.source.PlacingUpstream;
import org.repomirror.source.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches files in parallel into staging and verifies each against its expected size and checksums,
 * hashing in the same pass as the copy. Transient failures are retried with exponential backoff,
 * resuming with Range and If-Range; a file whose bytes do not match is fetched once more from
 * scratch, then quarantined (strict) or kept as the upstream serves it (mirror-as-is). Nothing here
 * touches the published tree. Thread-safe.
 */
public final class Transfer {
  private static final Logger log = LoggerFactory.getLogger(Transfer.class);

  /** What to do with a file that still mismatches after a fresh second fetch. */
  public enum MismatchPolicy {
    /** Quarantine it and report; its suite's new metadata is not published. */
    STRICT,
    /** Keep the upstream's bytes, marked upstream-mismatch, and report them. */
    MIRROR_AS_IS
  }

  /**
   * @param connections parallel downloads
   * @param attempts tries per file for transient failures
   * @param backoff the first retry's delay; each next one doubles it
   * @param maxRetryAfter the longest Retry-After honoured
   */
  public record Settings(
      int connections,
      int attempts,
      Duration backoff,
      Duration maxRetryAfter,
      Throttle throttle,
      MismatchPolicy policy) {}

  /**
   * Thrown once {@link #stop} was called: the transfer ended early, as asked, with the files
   * fetched so far staged and verified, and partial downloads kept to resume.
   */
  public static final class Stopped extends InterruptedException {
    private static final long serialVersionUID = 1L;

    public Stopped() {
      super("the transfer was stopped");
    }
  }

  private final Upstream upstream;
  private final Path staging;
  private final Settings settings;
  private final FileFetch files;
  private volatile boolean stopped;
  private volatile ExecutorService running;

  /** What staging held before this transfer wrote to it; read once, when first needed. */
  private volatile StagingContents before;

  /**
   * @param clock dates a file the upstream gives no Last-Modified
   * @param ticker times each download, for a plan's probe
   */
  public Transfer(
      Upstream upstream,
      Path staging,
      Path quarantine,
      Settings settings,
      Clock clock,
      Ticker ticker) {
    this.upstream = upstream;
    this.staging = staging;
    this.settings = settings;
    this.files =
        new FileFetch(
            upstream,
            staging,
            quarantine,
            settings.policy(),
            new Receiver(upstream, settings, clock, () -> stopped),
            ticker,
            () -> before);
  }

  /**
   * Ends the transfer under way, and every later one, as soon as it can: no file starts, the
   * downloads under way break off (their partial files stay to resume), and {@link #fetchAll}
   * throws {@link Stopped}. Called from any thread, typically a signal's.
   */
  public void stop() {
    stopped = true;
    ExecutorService pool = running;
    if (pool != null) pool.shutdownNow();
    upstream.stop();
  }

  /** Where files wait, verified, until they are published. */
  public Path staging() {
    return staging;
  }

  /** What becomes of a file whose bytes still mismatch after a fresh second fetch. */
  public MismatchPolicy policy() {
    return settings.policy();
  }

  public boolean stopped() {
    return stopped;
  }

  /**
   * The bytes this transfer still has to move for these tasks: a file an earlier run left verified
   * in staging costs nothing, and a partial download only what it lacks.
   */
  public long bytesToMove(List<FetchTask> tasks) throws IOException {
    StagingContents held = before();
    long bytes = 0;
    for (FetchTask t : tasks) bytes += bytesToMove(t, held);
    return bytes;
  }

  /**
   * The bytes one task of a transfer under way was to move, as {@link #bytesToMove(List)} counted
   * them: the share of the plan that a file done without moving them (absent, refused) stands for.
   */
  public long plannedShare(FetchTask task) {
    StagingContents held = before;
    return held == null ? Math.max(0, task.expected().size()) : bytesToMove(task, held);
  }

  private long bytesToMove(FetchTask t, StagingContents held) {
    long size = Math.max(0, t.expected().size());
    String name = StagingNames.of(staging, t.localPath()).getFileName().toString();
    if (t.expected().hashes() != null && held.whole().containsKey(name)) return 0;
    return Math.max(0, size - held.partial().getOrDefault(name + ".part", 0L));
  }

  /** Whether an earlier run left the task's file verified in staging, to be hashed again. */
  private boolean heldWhole(FetchTask t) {
    String name = StagingNames.of(staging, t.localPath()).getFileName().toString();
    return t.expected().hashes() != null && before.whole().containsKey(name);
  }

  private synchronized StagingContents before() throws IOException {
    if (before == null) before = StagingContents.read(staging);
    return before;
  }

  /**
   * Fetches every task; returns one outcome per task, in task order.
   *
   * @param progress called after each file, from the worker threads; an {@link
   *     UncheckedIOException} it throws ends the transfer with its cause
   */
  public List<FetchOutcome> fetchAll(List<FetchTask> tasks, Consumer<FetchOutcome> progress)
      throws IOException, InterruptedException {
    if (tasks.isEmpty()) return List.of();
    try (Session session =
        open(
            Math.min(parallel(), tasks.size()),
            Math.min(deepest(), tasks.size()),
            Progress.NONE,
            Ledger.NONE)) {
      List<Future<FetchOutcome>> futures = new ArrayList<>(tasks.size());
      for (FetchTask task : tasks) futures.add(session.enqueue(task, progress));
      List<FetchOutcome> outcomes = new ArrayList<>(tasks.size());
      for (Future<FetchOutcome> f : futures) outcomes.add(session.outcome(f));
      return outcomes;
    }
  }

  /**
   * Opens a transfer that takes its files as they become known, over the configured number of
   * connections; close it when done.
   *
   * @param progress hears of each file planned (its bytes to move) and done
   * @param ledger counts the bytes received
   */
  public Session open(Progress progress, Ledger ledger) throws IOException, Stopped {
    return open(parallel(), deepest(), progress, ledger);
  }

  /**
   * Requests a transfer keeps in flight on each connection to begin with, as apt keeps them; up to
   * the upstream's {@link Upstream#depth} once its files prove small ({@link #SMALL_FILE}).
   */
  static final int STARTING_DEPTH = 10;

  /**
   * Below this mean size, a file costs its round trip rather than its bytes: 80 requests in flight
   * on a 20 ms round trip move 4,000 files a second, 64 MB/s of such files but 6 MB/s of 1.4 KB
   * ones.
   */
  static final long SMALL_FILE = 16 * 1024;

  /** The files of known size whose mean decides whether a transfer goes deeper. */
  static final int SIZES_TO_JUDGE = 256;

  /**
   * Downloads under way at once to begin with, one per worker: the connections times the requests
   * each carries in flight.
   */
  public int parallel() {
    return settings.connections() * Math.max(1, Math.min(upstream.depth(), STARTING_DEPTH));
  }

  /** Downloads under way at once once the files prove small. */
  private int deepest() {
    return settings.connections() * Math.max(1, upstream.depth());
  }

  private Session open(int workers, int deepest, Progress progress, Ledger ledger)
      throws IOException, Stopped {
    if (stopped) throw new Stopped();
    before();
    upstream.keepInFlight(Math.min(upstream.depth(), STARTING_DEPTH));
    return new Session(workers, deepest, progress, ledger);
  }

  /**
   * A transfer under way that is handed its files one at a time, each with whom to tell of its
   * outcome; files wait for a free connection in the order they came. The first failure (a full
   * disk, an unwritable staging folder, a listener's {@link UncheckedIOException}) ends it: the
   * files not yet started are not fetched, and {@link #finish} throws it. Submit and finish from
   * one thread; the listeners are called from the workers.
   */
  public final class Session implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final Progress progress;
    private final Ledger ledger;
    private final List<Future<FetchOutcome>> submitted = new ArrayList<>();
    private final AtomicReference<Throwable> broken = new AtomicReference<>();
    private boolean workersStarting; // by the thread that submits
    private final int deepest;
    private int sized; // files of known size submitted so far, by the thread that submits
    private long sizedBytes;
    private boolean deeper;

    /**
     * @param workers downloads under way at once to begin with
     * @param deepest downloads under way at once once the files prove small
     */
    private Session(int workers, int deepest, Progress progress, Ledger ledger) {
      this.progress = progress;
      this.ledger = ledger;
      this.deepest = deepest;
      AtomicInteger threadNumber = new AtomicInteger();
      workers = Math.max(1, workers);
      this.pool =
          new ThreadPoolExecutor(
              workers,
              workers,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "transfer-" + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      running = pool;
      if (stopped) pool.shutdownNow(); // stopped between the check and now
    }

    /**
     * Queues a file; once the transfer was stopped or broken, nothing (then {@link #check} and
     * {@link #finish} throw why).
     *
     * @param done told of its outcome, from a worker thread, before the future completes
     * @return the file's outcome to come, for {@link #await}
     */
    public Future<FetchOutcome> submit(FetchTask task, Consumer<FetchOutcome> done) {
      progress.planned(1, bytesToMove(task, before));
      return enqueue(task, done);
    }

    /**
     * Hears of a file that will be submitted soon; thread-safe. An upstream that moves files in
     * batches (rsync) can carry it in a batch cut before its turn comes, so that its runs are few
     * and long rather than many and short.
     */
    public void foresee(FetchTask task) {
      if (upstream instanceof PlacingUpstream placing && !heldWhole(task)) {
        placing.expect(task.upstreamPath(), task.expected().size());
      }
    }

    private Future<FetchOutcome> enqueue(FetchTask task, Consumer<FetchOutcome> done) {
      if (!workersStarting) {
        // The workers start on a thread of their own once there is work. Started one per file as
        // the first files came, they cost the submitting thread, which reads the indexes, about
        // 0.1 s on two cores (each start waits for the new thread to run): the pool's first files
        // went out that much later.
        workersStarting = true;
        Thread.ofVirtual().name("transfer-workers").start(pool::prestartAllCoreThreads);
      }
      judgeDepth(task);
      foresee(task);
      Future<FetchOutcome> f;
      try {
        f =
            pool.submit(
                () -> {
                  if (broken.get() != null) throw new CancellationException("an earlier failure");
                  if (stopped) throw new Stopped();
                  try {
                    FetchOutcome o = files.fetch(task);
                    counted(o);
                    done.accept(o);
                    return o;
                  } catch (Exception | Error e) {
                    broken.compareAndSet(null, e);
                    throw e;
                  }
                });
      } catch (RejectedExecutionException e) {
        f = CompletableFuture.failedFuture(new Stopped());
      }
      submitted.add(f);
      return f;
    }

    /** Counts a finished file; one not fetched stands for its share of the plan. */
    private void counted(FetchOutcome o) {
      if (o instanceof FetchOutcome.Fetched f) {
        ledger.fetched(f.bytesTransferred());
        progress.done(1, f.bytesTransferred());
      } else {
        progress.done(1, plannedShare(o.task()));
      }
    }

    /**
     * Goes deeper once the files submitted prove small and many wait: more workers, so that each
     * connection carries up to the upstream's depth in flight. Judged from the {@value
     * #SIZES_TO_JUDGE}th file of known size on (submitted, not finished: small files finish first),
     * at each file until it goes deeper, since files may be listed faster than at first.
     */
    private void judgeDepth(FetchTask task) {
      if (deeper) return;
      long size = task.expected().size();
      if (size != ExpectedFile.UNKNOWN_SIZE) {
        sized++;
        sizedBytes += size;
      }
      if (sized < SIZES_TO_JUDGE || sizedBytes / sized >= SMALL_FILE) return;
      int more = deepest - pool.getCorePoolSize();
      if (more <= 0 || pool.getQueue().size() < more) return;
      deeper = true;
      log.debug(
          "files of {} bytes on average: {} downloads at once instead of {}",
          sizedBytes / sized,
          deepest,
          pool.getCorePoolSize());
      Thread.ofVirtual()
          .name("transfer-workers")
          .start(
              () -> {
                upstream.keepInFlight(upstream.depth());
                pool.setMaximumPoolSize(deepest);
                pool.setCorePoolSize(deepest);
                pool.prestartAllCoreThreads();
              });
    }

    /** What becomes of a file that still mismatches after a fresh second fetch. */
    public MismatchPolicy policy() {
      return settings.policy();
    }

    /**
     * Throws what ended the transfer early, if anything has: the first local failure, or {@link
     * Stopped}.
     */
    public void check() throws IOException, InterruptedException {
      if (stopped) throw new Stopped();
      Throwable cause = broken.get();
      if (cause != null) throw failure(cause);
    }

    /**
     * Waits for every file submitted so far.
     *
     * @throws Stopped when the transfer was stopped
     * @throws IOException the first local failure, which ended the transfer
     */
    public void finish() throws IOException, InterruptedException {
      for (Future<FetchOutcome> f : List.copyOf(submitted)) outcome(f);
      upstream.warnings().forEach(ledger::warn);
    }

    /**
     * Waits for some of the files submitted, as {@link #finish} waits for all.
     *
     * @throws Stopped when the transfer was stopped
     * @throws IOException the first local failure, which ended the transfer
     */
    public void await(List<Future<FetchOutcome>> files) throws IOException, InterruptedException {
      for (Future<FetchOutcome> f : files) outcome(f);
    }

    /** One file's outcome; the transfer's first failure instead, or {@link Stopped}. */
    private FetchOutcome outcome(Future<FetchOutcome> f) throws IOException, InterruptedException {
      try {
        return f.get();
      } catch (CancellationException e) {
        if (stopped) throw new Stopped();
        throw e;
      } catch (ExecutionException e) {
        if (stopped) throw new Stopped();
        throw failure(broken.get() != null ? broken.get() : e.getCause());
      }
    }

    /** A local failure (a full disk, an unwritable staging folder) ends the run. */
    private RuntimeException failure(Throwable cause) throws IOException, InterruptedException {
      if (cause instanceof IOException io) throw io;
      if (cause instanceof UncheckedIOException u) throw u.getCause();
      if (cause instanceof InterruptedException ie) throw ie;
      return new IllegalStateException("a transfer worker failed", cause);
    }

    /**
     * Ends the workers: after a failure, the downloads under way stop at their next write; none
     * writes to staging once this returns (a full disk's clean-up of staging follows).
     */
    @Override
    public void close() throws InterruptedException {
      running = null;
      pool.shutdownNow();
      if (!pool.awaitTermination(2, TimeUnit.MINUTES)) {
        log.warn("transfer workers still running two minutes after the transfer ended");
      }
    }
  }
}
