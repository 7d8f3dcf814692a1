package org.repomirror.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.apt.Wanting;
import org.repomirror.index.Index;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.Wanted;

/**
 * Turns a prepared apt pass into the items of a plan: what each suite would fetch, keep and delete,
 * counted the way a sync counts it, and the distinct totals. Pure but for the index reads.
 */
public final class PlanItems {
  private final Index index;
  private final Wanting wanting;
  private final SyncPlan pool;
  private final Set<String> toFetch = new HashSet<>();
  private final Set<String> reused = new HashSet<>();
  private final Set<String> allWanted;
  private final Set<String> deletions = new LinkedHashSet<>();
  private long indexFiles;
  private long indexBytes;
  private long absentFiles;
  private long absentBytes;
  private long indexReused;

  /**
   * @param pool the plan of every file the suites want besides their indexes
   */
  public PlanItems(Index index, Wanting wanting, SyncPlan pool) {
    this.index = index;
    this.wanting = wanting;
    this.pool = pool;
    pool.toFetch().forEach(w -> toFetch.add(w.path()));
    pool.reuse().forEach(w -> reused.add(w.path()));
    this.allWanted = wanting.allWanted();
  }

  public List<PlanReport.Item> items() {
    List<PlanReport.Item> items = new ArrayList<>();
    for (Wanting.Suite s : wanting.suites()) items.add(item(s));
    return items;
  }

  private PlanReport.Item item(Wanting.Suite s) {
    if (s instanceof Wanting.Ended e) {
      return PlanReport.Item.suite(e.dist(), e.outcome(), e.reason(), 0, 0, 0, 0, 0);
    }
    long fetch = 0;
    long bytes = 0;
    long unchanged = 0;
    for (Wanted w : Wanting.wanted(s).values()) {
      if (toFetch.contains(w.path())) {
        fetch++;
        bytes += w.size();
      } else if (reused.contains(w.path())) {
        unchanged++;
      }
    }
    Set<String> references = new LinkedHashSet<>(Wanting.wanted(s).keySet());
    if (s instanceof Wanting.Changed c) {
      IndexCount i = indexes(c, references);
      fetch += i.files;
      bytes += i.bytes;
      unchanged += c.indexes().plan().reuse().size();
    }
    long delete = deletions(s.dist(), references);
    return PlanReport.Item.suite(
        s.dist(),
        s instanceof Wanting.Changed ? SuiteOutcome.CHANGED : SuiteOutcome.UNCHANGED,
        null,
        references.size(),
        fetch,
        bytes,
        unchanged,
        delete);
  }

  private record IndexCount(long files, long bytes) {}

  /** The indexes and Release files a changed suite would fetch; adds them to its references. */
  private IndexCount indexes(Wanting.Changed s, Set<String> references) {
    long files = 0;
    long bytes = 0;
    SyncPlan plan = s.indexes().plan();
    plan.reuse().forEach(w -> references.add(w.path()));
    for (Wanted w : plan.toFetch()) {
      boolean found = s.indexes().present().contains(w.path());
      if (s.indexes().listedAbsent().contains(w.path()) || (w.mayBeAbsent() && !found)) {
        absentFiles++;
        absentBytes += w.size();
        continue;
      }
      references.add(w.path());
      files++;
      bytes += w.size();
    }
    for (var raw : s.release().raw()) {
      references.add(raw.path());
      files++;
      bytes += raw.bytes().length;
    }
    indexFiles += files;
    indexBytes += bytes;
    indexReused += plan.reuse().size();
    return new IndexCount(files, bytes);
  }

  private long deletions(String dist, Set<String> references) {
    Set<String> before = index.references(dist).orElse(Set.of());
    if (before.isEmpty()) return 0;
    Set<String> elsewhere = index.referencedBySuites(dist);
    List<String> marks =
        DeletionPolicy.marks(
                before,
                references,
                p -> allWanted.contains(p) || elsewhere.contains(p),
                index.pendingDeletes())
            .toMark();
    deletions.addAll(marks);
    return marks.size();
  }

  /** Call after {@link #items}. */
  public PlanReport.Totals totals() {
    SyncPlan.Amount fetch = SyncPlan.Amount.of(pool.toFetch());
    return new PlanReport.Totals(
        fetch.files(),
        fetch.bytes(),
        indexFiles,
        indexBytes,
        absentFiles,
        absentBytes,
        pool.reuse().size() + indexReused,
        deletions.size());
  }
}
