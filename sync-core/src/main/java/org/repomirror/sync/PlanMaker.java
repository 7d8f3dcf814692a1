package org.repomirror.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.Wanted;
import org.repomirror.report.PlanReport;

/**
 * Turns a prepared apt pass into the items of a plan: what each suite would fetch, keep and delete,
 * counted the way a sync counts it, and the distinct totals. Pure but for the index reads.
 */
final class PlanMaker {
  /** Distinct totals over the suites. */
  record Totals(
      long poolFiles,
      long poolBytes,
      long indexFiles,
      long indexBytes,
      long absentFiles,
      long absentBytes,
      long unchanged,
      long delete) {}

  private final RunContext ctx;
  private final AptPass.Prepared prepared;
  private final Set<String> toFetch = new HashSet<>();
  private final Set<String> reused = new HashSet<>();
  private final Set<String> allWanted;
  private final Set<String> deletions = new LinkedHashSet<>();
  private long indexFiles;
  private long indexBytes;
  private long absentFiles;
  private long absentBytes;
  private long indexReused;

  PlanMaker(RunContext ctx, AptPass.Prepared prepared) {
    this.ctx = ctx;
    this.prepared = prepared;
    prepared.pool().toFetch().forEach(w -> toFetch.add(w.path()));
    prepared.pool().reuse().forEach(w -> reused.add(w.path()));
    this.allWanted = AptPass.allWanted(prepared.suites());
  }

  List<PlanReport.Item> items() {
    List<PlanReport.Item> items = new ArrayList<>();
    for (SuiteWork s : prepared.suites()) items.add(item(s));
    return items;
  }

  private PlanReport.Item item(SuiteWork s) {
    if (s.ended() != null) {
      return PlanReport.Item.suite(s.dist, s.ended(), s.reason(), 0, 0, 0, 0, 0);
    }
    long fetch = 0;
    long bytes = 0;
    long unchanged = 0;
    for (Wanted w : s.wanted.values()) {
      if (toFetch.contains(w.path())) {
        fetch++;
        bytes += w.size();
      } else if (reused.contains(w.path())) {
        unchanged++;
      }
    }
    Set<String> references = new LinkedHashSet<>(s.wanted.keySet());
    if (s.changed()) {
      IndexCount i = indexes(s, references);
      fetch += i.files;
      bytes += i.bytes;
      unchanged += s.indexPlan.reuse().size();
    }
    long delete = deletions(s, references);
    return PlanReport.Item.suite(
        s.dist,
        s.changed() ? SuiteOutcome.CHANGED : SuiteOutcome.UNCHANGED,
        null,
        references.size(),
        fetch,
        bytes,
        unchanged,
        delete);
  }

  private record IndexCount(long files, long bytes) {}

  /** The indexes and Release files a changed suite would fetch; adds them to its references. */
  private IndexCount indexes(SuiteWork s, Set<String> references) {
    long files = 0;
    long bytes = 0;
    SyncPlan plan = s.indexPlan;
    plan.reuse().forEach(w -> references.add(w.path()));
    for (Wanted w : plan.toFetch()) {
      boolean found = s.presentIndexes.contains(w.path());
      if (s.listedAbsent.contains(w.path()) || (w.mayBeAbsent() && !found)) {
        absentFiles++;
        absentBytes += w.size();
        continue;
      }
      references.add(w.path());
      files++;
      bytes += w.size();
    }
    for (var raw : s.fetched().raw()) {
      references.add(raw.path());
      files++;
      bytes += raw.bytes().length;
    }
    indexFiles += files;
    indexBytes += bytes;
    indexReused += plan.reuse().size();
    return new IndexCount(files, bytes);
  }

  private long deletions(SuiteWork s, Set<String> references) {
    Set<String> before = ctx.index().references(s.dist).orElse(Set.of());
    if (before.isEmpty()) return 0;
    Set<String> elsewhere = ctx.index().referencedBySuites(s.dist);
    List<String> marks =
        DeletionPolicy.marks(
                before,
                references,
                p -> allWanted.contains(p) || elsewhere.contains(p),
                ctx.index().pendingDeletes())
            .toMark();
    deletions.addAll(marks);
    return marks.size();
  }

  /** Call after {@link #items}. */
  Totals totals() {
    SyncPlan.Amount pool = SyncPlan.Amount.of(prepared.pool().toFetch());
    return new Totals(
        pool.files(),
        pool.bytes(),
        indexFiles,
        indexBytes,
        absentFiles,
        absentBytes,
        prepared.pool().reuse().size() + indexReused,
        deletions.size());
  }
}
