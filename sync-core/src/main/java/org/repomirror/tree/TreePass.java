package org.repomirror.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.plan.DiskView;
import org.repomirror.plan.TreePlanner;
import org.repomirror.plan.Wanted;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.run.Progress;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.format.TreeEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tree pass of a sync: mirrors every file under the upstream root that no apt suite of the run
 * covers. The listing streams into a bounded queue while earlier changes are fetched, verified and
 * published in chunks ({@link TreeChunks}), so memory stays flat and an interrupted run keeps what
 * it finished. Paths the listing no longer has are marked for deletion, but only after a complete
 * listing. Not thread-safe, but the lister calls it from several threads.
 */
public final class TreePass {
  private static final Logger log = LoggerFactory.getLogger(TreePass.class);
  private static final int PROBE_FILES = 64;
  private static final int LOOKUP_BATCH = 256;

  /**
   * A lister thread's first batch, each next one twice as large up to {@link #LOOKUP_BATCH}: the
   * first files go out after a few entries, not after a thread's 256 (three index pages, with as
   * many threads crawling, took the first 0.2 s of an autoindex copy).
   */
  private static final int FIRST_LOOKUP_BATCH = 16;

  private static final Object END = new Object();

  private final Parts parts;
  private final TreeLister lister;
  private final Predicate<String> excluded;
  private final boolean dryRun;
  private TreeChunks chunks;
  private Transfer.Session session;
  private final DiskView disk;
  private final ProvenFolders proven;

  /**
   * Every path listed, for the deletions: sized for the index's files, as growing it a step at a
   * time cost a no-change pass of 300,000 files a tenth of a second.
   */
  private final Set<String> seen;

  private final LongAdder relisted = new LongAdder();
  private final LongAdder listedKnown = new LongAdder(); // listed paths the index held
  private CompletableFuture<Long> filesBefore; // the index's files as the pass began

  private final BlockingQueue<Object> work = new ArrayBlockingQueue<>(4 * TreeChunks.CHUNK);
  private final AtomicLong listed = new AtomicLong();
  private final AtomicLong unchanged = new AtomicLong();
  private final AtomicLong plannedFiles = new AtomicLong();
  private final AtomicLong plannedBytes = new AtomicLong();
  private final List<Wanted> probeCandidates = new ArrayList<>();

  /** Entries of one lister thread waiting for their records; every thread's, to finish them. */
  private final Queue<List<TreeEntry>> allBatches = new ConcurrentLinkedQueue<>();

  private final ThreadLocal<List<TreeEntry>> batches =
      ThreadLocal.withInitial(
          () -> {
            List<TreeEntry> batch = new ArrayList<>(LOOKUP_BATCH);
            allBatches.add(batch);
            return batch;
          });

  /** How many entries each lister thread's next batch waits for. */
  private final ThreadLocal<int[]> batchSizes =
      ThreadLocal.withInitial(() -> new int[] {FIRST_LOOKUP_BATCH});

  /** A file to fetch, and the mtime to give it (or -1 to keep the upstream's Last-Modified). */
  record Fetch(FetchTask task, long mtimeMillis) {}

  /**
   * What a tree pass works with.
   *
   * @param run the run's start, epoch ms: in the records it writes and the deletions it marks
   */
  public record Parts(
      Index index,
      PublishedTree published,
      Transfer transfer,
      Ledger ledger,
      Progress progress,
      long run) {}

  /**
   * @param excluded paths the tree pass leaves alone: the run's apt suites, the mirror's own
   *     outputs
   * @param dryRun a plan's pass: list and count, fetch and write nothing
   */
  public TreePass(Parts parts, TreeLister lister, Predicate<String> excluded, boolean dryRun)
      throws IOException {
    this.parts = parts;
    this.lister = lister;
    this.excluded = excluded;
    this.dryRun = dryRun;
    this.disk = parts.published();
    long files = Math.min(1 << 26, parts.index().sizeEstimate());
    this.seen = ConcurrentHashMap.newKeySet((int) Math.max(16, files + files / 8));
    this.proven =
        new ProvenFolders(
            parts.index(),
            parts.published(),
            ProvenFolders.filesystemNow(parts.published().staging()));
  }

  /**
   * Lists, fetches, publishes and marks deletions.
   *
   * @param keep paths apt suites reference: never marked for deletion here
   */
  public TreeResult run(Set<String> keep) throws IOException, InterruptedException {
    if (dryRun) {
      chunks = new TreeChunks(parts, null);
      return plan(keep);
    }
    try (Transfer.Session session = parts.transfer().open(parts.progress(), parts.ledger())) {
      this.session = session;
      chunks = new TreeChunks(parts, session);
      return mirror(keep);
    }
  }

  private TreeResult mirror(Set<String> keep) throws IOException, InterruptedException {
    filesBefore =
        CompletableFuture.supplyAsync(
            parts.index()::countFiles, r -> Thread.ofVirtual().name("index-count").start(r));
    try {
      return listFetchAndPublish(keep);
    } finally {
      // The count reads the index, which the run closes once the pass is over, whatever ended it.
      filesBefore.handle((n, e) -> n).join();
    }
  }

  private TreeResult listFetchAndPublish(Set<String> keep)
      throws IOException, InterruptedException {
    AtomicReference<Throwable> listingError = new AtomicReference<>();
    AtomicReference<TreeLister.Result> result = new AtomicReference<>();
    Thread listing =
        Thread.ofPlatform().name("tree-list").daemon().start(() -> list(result, listingError));
    try (TreeChunks closing = chunks) {
      try {
        for (Object w = work.take(); w != END; w = work.take()) {
          if (w instanceof TreeEntry link) {
            chunks.link(link);
          } else {
            chunks.fetch((Fetch) w);
          }
        }
      } finally {
        if (listing.isAlive()) listing.interrupt();
      }
      listing.join();
      chunks.finishFetching();
      chunks.awaitPublished();
      if (parts.transfer().stopped()) throw new Transfer.Stopped();
      chunks.publishLinks();
      chunks.publishDeferredMetadata(listingError.get() == null);
    }
    return report(keep, result.get(), listingError.get());
  }

  private void list(AtomicReference<TreeLister.Result> result, AtomicReference<Throwable> error) {
    try (Ledger.Timing t = parts.ledger().time(Phase.LIST)) {
      try {
        result.set(lister.list(parts.index(), this::consider, chunks::skip));
      } finally {
        decideTheRest(); // what was listed before a failure is still fetched
      }
    } catch (Throwable e) {
      if (error.get() == null) error.set(e);
    } finally {
      putUninterruptibly(END);
    }
  }

  private TreeResult report(Set<String> keep, TreeLister.Result result, Throwable listingError) {
    TreeOutcome outcome;
    String reason = null;
    long marked = 0;
    if (listingError != null) {
      outcome = TreeOutcome.LISTING_FAILED;
      reason =
          listingError.getMessage() != null ? listingError.getMessage() : listingError.toString();
      log.error("tree listing failed, nothing will be deleted: {}", reason);
    } else if (result == TreeLister.Result.UNCHANGED) {
      outcome = TreeOutcome.UNCHANGED;
    } else {
      marked = markDeletions(keep);
      outcome = chunks.failed() == 0 ? TreeOutcome.MIRRORED : TreeOutcome.MIRRORED_WITH_FAILURES;
    }
    return chunks.report(lister, outcome, reason, listed.get(), unchanged.get(), marked);
  }

  /**
   * Called by the lister's threads for each entry. Entries wait in the thread's own batch, so that
   * the index is asked for many paths in one call rather than one call a path; the first batches
   * are small.
   */
  private void consider(TreeEntry e) {
    if (!seen.add(e.path())) relisted.increment();
    if (excluded.test(e.path())) return;
    listed.incrementAndGet();
    List<TreeEntry> batch = batches.get();
    batch.add(e);
    int[] size = batchSizes.get();
    if (batch.size() >= size[0]) {
      decide(batch);
      size[0] = Math.min(LOOKUP_BATCH, 2 * size[0]);
    }
  }

  /** Decides a batch of entries against their records, then empties it. */
  private void decide(List<TreeEntry> batch) {
    List<Optional<FileRecord>> known =
        parts.index().files(batch.stream().map(TreeEntry::path).toList());
    for (int i = 0; i < batch.size(); i++) decide(batch.get(i), known.get(i));
    batch.clear();
  }

  /** Once the listing has ended, on its thread: what every lister thread's batch still holds. */
  private void decideTheRest() {
    for (List<TreeEntry> batch : allBatches) decide(batch);
  }

  private void decide(TreeEntry e, Optional<FileRecord> known) {
    if (known.isPresent()) listedKnown.increment();
    switch (TreePlanner.decide(e, known, disk, proven.vouchesFor(e.path()))) {
      case TreePlanner.Unchanged u -> unchanged.incrementAndGet();
      case TreePlanner.Link l -> want(e, null);
      case TreePlanner.Fetch f ->
          want(e, new Fetch(new FetchTask(e.path(), e.path(), f.expected()), f.mtimeMillis()));
    }
  }

  /** Queues a link (fetch null) or a file to fetch; in a dry run, only counts it. */
  private void want(TreeEntry e, Fetch fetch) {
    if (!dryRun) {
      if (fetch != null) session.foresee(fetch.task());
      putUninterruptibly(fetch != null ? fetch : e);
      return;
    }
    plannedFiles.incrementAndGet();
    plannedBytes.addAndGet(Math.max(0, e.size()));
    if (fetch != null) {
      synchronized (probeCandidates) {
        if (probeCandidates.size() < PROBE_FILES) {
          probeCandidates.add(
              new Wanted(e.path(), fetch.task().expected(), Wanted.Kind.POOL, false));
        }
      }
    }
  }

  /** A dry run: what the tree pass would fetch and mark for deletion, nothing written. */
  private TreeResult plan(Set<String> keep) throws IOException, InterruptedException {
    TreeLister.Result result = lister.list(parts.index(), this::consider, chunks::skip);
    decideTheRest();
    long toDelete = 0;
    if (result == TreeLister.Result.LISTED) {
      long[] n = {0};
      parts
          .index()
          .forEachPath(
              "",
              p -> {
                if (gone(p, keep)) n[0]++;
              });
      toDelete = n[0];
    }
    return new TreeResult(
        new TreeResult.Source(lister.source(), TreeChunks.verification(lister)),
        result == TreeLister.Result.UNCHANGED ? TreeOutcome.UNCHANGED : TreeOutcome.PLANNED,
        null,
        new TreeResult.Seen(listed.get(), unchanged.get(), chunks.skipped(), toDelete),
        new TreeResult.Moved(plannedFiles.get(), 0, 0, plannedBytes.get()),
        new TreeResult.Unmirrored(chunks.notMirrored(), 0));
  }

  /** A few of the files a dry run would fetch, to measure the upstream with. */
  public List<Wanted> probeCandidates() {
    synchronized (probeCandidates) {
      return List.copyOf(probeCandidates);
    }
  }

  /**
   * The paths the apt suites reference that a complete listing did not show: the upstream lacks
   * files its own indexes reference. Empty when the listing was not complete.
   */
  public List<String> lacking(Set<String> keep, TreeResult report) {
    if (report.outcome() != TreeOutcome.MIRRORED
        && report.outcome() != TreeOutcome.MIRRORED_WITH_FAILURES) {
      return List.of();
    }
    return keep.stream().filter(p -> !seen.contains(p)).sorted().toList();
  }

  /**
   * The deletion rule of a tree pass: an indexed path in the tree's scope that a complete listing
   * no longer shows, and no apt suite references.
   */
  private boolean gone(String path, Set<String> keep) {
    return !seen.contains(path) && !excluded.test(path) && !keep.contains(path);
  }

  /**
   * Marks for deletion every indexed path in the tree's scope that the listing no longer has, and
   * forgets pending deletions of paths it has again.
   */
  private long markDeletions(Set<String> keep) {
    Map<String, Long> pending = parts.index().pendingDeletes();
    long[] marked = {0};
    try (Index.Batch batch = parts.index().batch()) {
      if (!everyRecordListed()) {
        parts
            .index()
            .forEachPath(
                "",
                p -> {
                  if (gone(p, keep) && !pending.containsKey(p)) {
                    batch.markForDeletion(p, parts.run());
                    marked[0]++;
                  }
                });
      }
      for (String p : pending.keySet()) {
        if (seen.contains(p) && !excluded.test(p)) batch.unmarkForDeletion(p);
      }
      if (chunks.failed() == 0) {
        lister.commitValidators(batch);
        proven.record(batch);
      }
      batch.commit();
    }
    return marked[0];
  }

  /**
   * Whether the listing named every path the index held before the pass: each listed once, and as
   * many found in the index as it held. Then no record is gone, and the deletions need no walk of
   * the index with a lookup of each path (0.3 s of a no-change pass of 300,000 files). The count
   * ran beside the listing; the pass only adds records of listed paths, which can make it larger,
   * never smaller.
   */
  private boolean everyRecordListed() {
    if (relisted.sum() > 0) return false;
    try {
      return filesBefore.get() == listedKnown.sum();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return false; // the walk that follows meets the index's failure itself
    }
  }

  private void putUninterruptibly(Object item) {
    try {
      work.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while listing", e));
    }
  }
}
