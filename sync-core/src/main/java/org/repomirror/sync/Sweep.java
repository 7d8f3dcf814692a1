package org.repomirror.sync;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.repomirror.index.Index;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.publish.Generations;
import org.repomirror.run.Change;

/** Deletes the files whose grace period is over, as {@link DeletionPolicy} decides. */
final class Sweep {
  private Sweep() {}

  /**
   * @param wanted paths this run's suites want, published or not: they stay
   * @return what it deleted, or held back when the max-delete guard tripped
   */
  static DeletionPolicy.Sweep run(RunContext ctx, Set<String> wanted, long nowMillis)
      throws IOException {
    retireGenerations(ctx, nowMillis);
    Map<String, Long> pending = ctx.index().pendingDeletes();
    if (pending.isEmpty()) return DeletionPolicy.Sweep.NOTHING; // no need to read references
    Set<String> referenced = ctx.index().referencedBySuites(null);
    DeletionPolicy.Sweep sweep =
        DeletionPolicy.sweep(
            pending,
            p -> referenced.contains(p) || wanted.contains(p),
            nowMillis,
            ctx.options().deleteGrace(),
            ctx.options().maxDelete());
    try (Index.Batch batch = ctx.index().batch()) {
      sweep.unmark().forEach(batch::unmarkForDeletion);
      if (sweep.guardTripped()) {
        ctx.ledger()
            .warn(
                sweep.held().size()
                    + " files are due for deletion, more than max-delete ("
                    + ctx.options().maxDelete()
                    + "); nothing was deleted. Check the upstream, then"
                    + " raise --max-delete.");
        batch.commit();
        return sweep;
      }
      for (String path : sweep.delete()) {
        ctx.files().deleteIfExists(ctx.layout().resolve(path));
        pruneEmptyFolders(ctx, path);
        batch.delete(path).unmarkForDeletion(path);
        ctx.ledger().change(path, Change.Action.DELETED);
      }
      batch.commit();
    }
    return sweep;
  }

  /**
   * Removes the folders a deletion left empty, up to the first that holds anything, as rsync
   * --delete does: a package gone from the archive leaves no {@code pool/main/n/newcomer/}.
   */
  private static void pruneEmptyFolders(RunContext ctx, String deleted) throws IOException {
    for (int slash = deleted.lastIndexOf('/');
        slash > 0;
        slash = deleted.lastIndexOf('/', slash - 1)) {
      if (!ctx.files().deleteIfEmptyFolder(ctx.layout().resolve(deleted.substring(0, slash))))
        return;
    }
  }

  /** Removes the generations of every suite that no pin can reach any more. */
  private static void retireGenerations(RunContext ctx, long nowMillis) throws IOException {
    Generations generations = ctx.publisher().generations();
    for (String dist : generations.suites()) {
      java.util.Optional<Long> current = generations.current(dist);
      if (current.isEmpty()) continue;
      for (long id :
          DeletionPolicy.retiredGenerations(
              generations.kept(dist), current.get(), nowMillis, ctx.options().deleteGrace())) {
        generations.remove(dist, id);
      }
    }
  }
}
