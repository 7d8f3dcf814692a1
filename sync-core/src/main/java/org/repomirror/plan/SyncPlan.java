package org.repomirror.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * What a sync will do about a set of wanted files. Immutable.
 *
 * @param fetch files the mirror does not have at their path: new paths, publishable as soon as they
 *     are verified, since no published metadata references them yet
 * @param replace files the mirror has at their path with other content (or content it cannot vouch
 *     for): published together with the metadata that wants the new content
 * @param reuse files already in the mirror as wanted: verified once, recorded, and on disk with
 *     their recorded size and mtime; they cost no request
 * @param conflicts paths two indexes want with different sizes or checksums; the first one wins
 */
public record SyncPlan(
    List<Wanted> fetch, List<Wanted> replace, List<Wanted> reuse, List<String> conflicts) {
  public SyncPlan {
    fetch = List.copyOf(fetch);
    replace = List.copyOf(replace);
    reuse = List.copyOf(reuse);
    conflicts = List.copyOf(conflicts);
  }

  /** This plan and another, for files this one does not name. */
  public SyncPlan and(SyncPlan more) {
    List<Wanted> f = new ArrayList<>(fetch);
    f.addAll(more.fetch);
    List<Wanted> r = new ArrayList<>(replace);
    r.addAll(more.replace);
    List<Wanted> u = new ArrayList<>(reuse);
    u.addAll(more.reuse);
    List<String> c = new ArrayList<>(conflicts);
    c.addAll(more.conflicts);
    return new SyncPlan(f, r, u, c);
  }

  /** Everything to download: new files first, then replacements. */
  public List<Wanted> toFetch() {
    List<Wanted> all = new ArrayList<>(fetch);
    all.addAll(replace);
    return all;
  }

  /** Files and bytes to download, of one kind. */
  public Amount toFetch(Wanted.Kind kind) {
    return Amount.of(toFetch().stream().filter(w -> w.kind() == kind).toList());
  }

  public Amount reused() {
    return Amount.of(reuse);
  }

  /** A count of files and their bytes. */
  public record Amount(long files, long bytes) {
    public static Amount of(List<Wanted> files) {
      return new Amount(files.size(), files.stream().mapToLong(Wanted::size).sum());
    }
  }
}
