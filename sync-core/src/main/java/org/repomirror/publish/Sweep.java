package org.repomirror.publish;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.repomirror.index.Index;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.run.Change;
import org.repomirror.run.Ledger;
import org.repomirror.store.PublishedTree;

/**
 * Deletes the files whose grace period is over, as {@link DeletionPolicy} decides, and retires the
 * generations no pinned client can reach any more. Not thread-safe.
 */
public final class Sweep {
  private final Index index;
  private final PublishedTree published;
  private final Ledger ledger;
  private final Duration grace;
  private final int maxDelete;

  /**
   * @param grace how long a file no suite references stays before it is deleted
   * @param maxDelete more deletions due than this is taken for a broken upstream: none is made
   */
  public Sweep(Index index, PublishedTree published, Ledger ledger, Duration grace, int maxDelete) {
    this.index = index;
    this.published = published;
    this.ledger = ledger;
    this.grace = grace;
    this.maxDelete = maxDelete;
  }

  /**
   * @param wanted paths this run's suites want, published or not: they stay
   * @return what it deleted, or held back when the max-delete guard tripped
   */
  public DeletionPolicy.Sweep run(Set<String> wanted, long nowMillis) throws IOException {
    retireGenerations(nowMillis);
    Map<String, Long> pending = index.pendingDeletes();
    if (pending.isEmpty()) return DeletionPolicy.Sweep.NOTHING; // no need to read references
    Set<String> referenced = index.referencedBySuites(null);
    DeletionPolicy.Sweep sweep =
        DeletionPolicy.sweep(
            pending,
            p -> referenced.contains(p) || wanted.contains(p),
            nowMillis,
            grace,
            maxDelete);
    try (Index.Batch batch = index.batch()) {
      sweep.unmark().forEach(batch::unmarkForDeletion);
      if (sweep.guardTripped()) {
        ledger.warn(
            sweep.held().size()
                + " files are due for deletion, more than max-delete ("
                + maxDelete
                + "); nothing was deleted. Check the upstream, then raise --max-delete.");
        batch.commit();
        return sweep;
      }
      published.delete(sweep.delete());
      for (String path : sweep.delete()) {
        batch.delete(path).unmarkForDeletion(path);
        ledger.changed(path, Change.Action.DELETED);
      }
      batch.commit();
    }
    return sweep;
  }

  /** Removes the generations of every suite that no pin can reach any more. */
  private void retireGenerations(long nowMillis) throws IOException {
    for (String dist : published.suitesWithGenerations()) {
      Optional<Long> current = published.currentGeneration(dist);
      if (current.isEmpty()) continue;
      for (long id :
          DeletionPolicy.retiredGenerations(
              published.keptGenerations(dist), current.get(), nowMillis, grace)) {
        published.retireGeneration(dist, id);
      }
    }
  }
}
