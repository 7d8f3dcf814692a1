package org.repomirror.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.transfer.FetchTask;

/**
 * Decides, as a pure function of its inputs, which wanted files must be fetched: a file is reused
 * only when the index holds it as published with the same size and matching checksums, and the disk
 * holds a file of that size at its path.
 */
public final class SyncPlanner {
  private SyncPlanner() {}

  /**
   * @param wanted the files signed metadata references
   * @param index the index's record of a path
   * @param diskSize the size of the file at a path, or -1 when there is none
   */
  public static SyncPlan plan(
      Collection<FetchTask> wanted,
      Function<String, Optional<FileRecord>> index,
      ToLongFunction<String> diskSize) {
    List<FetchTask> fetch = new ArrayList<>();
    List<FetchTask> reuse = new ArrayList<>();
    for (FetchTask task : wanted) {
      Optional<FileRecord> known = index.apply(task.localPath());
      boolean current =
          known.isPresent()
              && known.get().state() == FileState.PUBLISHED
              && known.get().size() == task.expected().size()
              && task.expected().hashes().matches(known.get().hashes())
              && diskSize.applyAsLong(task.localPath()) == task.expected().size();
      (current ? reuse : fetch).add(task);
    }
    return new SyncPlan(fetch, reuse);
  }
}
