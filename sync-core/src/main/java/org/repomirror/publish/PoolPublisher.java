package org.repomirror.publish;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.repomirror.index.Index;
import org.repomirror.run.Change;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.run.Ticker;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.Failures;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.Transfer;

/**
 * Publishes the pool files of an apt sync as they are verified, a chunk at a time on a thread of
 * its own while the transfer goes on ({@link ChunkPublishing}): a new path at once, for nothing
 * published references it yet, and a crash then keeps it (the files verified since stay in staging,
 * and are reused). It holds every file until {@link #release} says which may go at once, when every
 * index is read; the others (replacements of files published metadata references, and files no
 * suite that goes on wants) wait in staging for the suites. Offered from the transfer's workers;
 * the rest is called by one thread.
 */
public final class PoolPublisher {
  private final Index index;
  private final PublishedTree published;
  private final Ledger ledger;
  private final Transfer.MismatchPolicy policy;
  private final long run;
  private final ChunkPublishing chunks;
  private final Map<String, Transferred.Staged> deferred = new LinkedHashMap<>();
  private final Map<String, FetchOutcome> failed = new LinkedHashMap<>();
  private final Set<String> fetched = new HashSet<>();
  private final Map<String, Long> bytes = new ConcurrentHashMap<>();
  private volatile Predicate<String> publishAtOnce = path -> false;

  /**
   * @param run the run's start, epoch ms, for the records
   * @param ticker times how long a file waits for its chunk
   */
  public PoolPublisher(
      Index index,
      PublishedTree published,
      Ledger ledger,
      Transfer.MismatchPolicy policy,
      long run,
      Ticker ticker) {
    this.index = index;
    this.published = published;
    this.ledger = ledger;
    this.policy = policy;
    this.run = run;
    this.chunks = new ChunkPublishing(this::publish, true, ticker);
  }

  /** Hands over a pool file's outcome; from the transfer's workers. */
  public void offer(FetchOutcome o) {
    chunks.offer(o);
  }

  /**
   * Lets files be published: those that pass the test at once, the others with their suites.
   *
   * @param publishAtOnce whether a verified path may be published as soon as it is: a new path, or
   *     a repair of a file only unchanged suites reference
   */
  public void release(Predicate<String> publishAtOnce) {
    this.publishAtOnce = publishAtOnce;
    chunks.release();
  }

  /**
   * Waits for the last chunk.
   *
   * @param publishRest publish what is still queued (the transfer ended normally); else only the
   *     chunk under way is finished, and the rest stays verified in staging for the next run
   */
  public Transferred finish(boolean publishRest) throws IOException, InterruptedException {
    chunks.finish(publishRest);
    return new Transferred(deferred, failed, fetched, bytes);
  }

  /** Publishes one chunk's new paths; keeps the rest for the suites. On the publishing thread. */
  private void publish(List<FetchOutcome> chunk) throws IOException {
    try (Ledger.Timing t = ledger.time(Phase.PUBLISH)) {
      Publication now = new Publication();
      for (FetchOutcome o : chunk) {
        String path = o.task().localPath();
        if (o instanceof FetchOutcome.Fetched f) bytes.put(path, f.bytesTransferred());
        Transferred.Staged staged = staged(o);
        if (!(o instanceof FetchOutcome.Fetched)) failed.put(path, o);
        if (staged == null) continue;
        fetched.add(path);
        if (publishAtOnce.test(path)) {
          now.content(staged.staged(), staged.record());
          // Until a suite that references it is published, nothing keeps it: if none ever is, it
          // goes.
          now.alsoRecord(batch -> batch.markForDeletion(path, run));
        } else {
          deferred.put(path, staged);
        }
      }
      now.carryOut(index, published);
      now.records().forEach(r -> ledger.changed(r.path(), Change.Action.FETCHED));
    }
  }

  /** The staged file of a fetch and its record; null when there is nothing to publish. */
  private Transferred.Staged staged(FetchOutcome o) {
    return switch (o) {
      case FetchOutcome.Fetched f ->
          new Transferred.Staged(
              new PublishedTree.Staged(f.staged(), f.task().localPath()),
              FileRecords.fetched(f, f.mtimeMillis(), run));
      case FetchOutcome.Failed f when Failures.keptAsIs(f, policy) ->
          new Transferred.Staged(
              new PublishedTree.Staged(f.kept(), f.task().localPath()),
              FileRecords.keptAsIs(f, run));
      default -> null;
    };
  }
}
