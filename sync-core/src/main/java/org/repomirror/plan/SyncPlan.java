package org.repomirror.plan;

import java.util.List;
import org.repomirror.transfer.FetchTask;

/**
 * What a sync will do about a set of wanted files: fetch some, reuse the rest as they are.
 *
 * @param fetch files to download and verify
 * @param reuse files already present and verified, which cost no request
 */
public record SyncPlan(List<FetchTask> fetch, List<FetchTask> reuse) {
  public SyncPlan {
    fetch = List.copyOf(fetch);
    reuse = List.copyOf(reuse);
  }

  public long fetchBytes() {
    return fetch.stream().mapToLong(t -> t.expected().size()).sum();
  }

  public long reuseBytes() {
    return reuse.stream().mapToLong(t -> t.expected().size()).sum();
  }
}
