package org.repomirror.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.repomirror.apt.SecondLevelIndexes;
import org.repomirror.apt.SuiteSelection;
import org.repomirror.debian.Compression;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.IndexVariants;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.SyncPlanner;
import org.repomirror.plan.Wanted;
import org.repomirror.run.Phase;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;

/**
 * The indexes of the suites whose Release changed: which the Release lists (selected), planned
 * against the mirror, and fetched into staging, all suites' at once; then the files their
 * second-level indexes list (patches, installer images). A sync fetches every listed variant and
 * by-hash object; a plan only one readable variant of each Packages and Sources and the
 * second-level indexes, trying the next variant when one is absent. Not thread-safe.
 */
final class IndexStage {
  private final RunContext ctx;
  private final SuiteSelection selection;

  IndexStage(RunContext ctx, SuiteSelection selection) {
    this.ctx = ctx;
    this.selection = selection;
  }

  void fetch(List<SuiteWork> changed, AptPass.IndexFetch mode)
      throws IOException, InterruptedException {
    long t = System.nanoTime();
    Map<String, SuiteWork> owner = new HashMap<>();
    for (SuiteWork s : changed) {
      s.indexes.addAll(wants(s));
      s.indexPlan = SyncPlanner.plan(s.indexes, ctx.indexView(), ctx.disk());
      for (Wanted w : s.indexPlan.reuse()) {
        s.presentIndexes.add(w.path());
        s.readable.put(w.path(), ctx.layout().resolve(w.path()));
      }
      s.indexPlan.toFetch().forEach(w -> owner.put(w.path(), s));
    }
    ctx.ledger().phase(Phase.PLAN, t);
    if (mode == AptPass.IndexFetch.ALL) {
      List<Wanted> all = new ArrayList<>();
      changed.forEach(s -> all.addAll(s.indexPlan.toFetch()));
      route(transfer(all), owner);
    } else {
      for (Compression c : IndexVariants.PREFERENCE) route(transfer(readable(changed, c)), owner);
    }
    List<Wanted> listed = new ArrayList<>();
    for (SuiteWork s : changed) {
      warnUnreadable(s);
      for (Wanted w : secondLevel(s)) {
        listed.add(w);
        owner.put(w.path(), s);
      }
    }
    if (mode == AptPass.IndexFetch.ALL) route(transfer(listed), owner);
  }

  /**
   * What a changed suite's second-level indexes list (patches, installer images), planned against
   * the mirror like the indexes; returns those to fetch. A second-level index that cannot be read
   * is warned about and its files are left out, as apt then leaves them (it fetches whole indexes
   * instead of patches).
   */
  private List<Wanted> secondLevel(SuiteWork s) throws IOException {
    Map<String, Wanted> listed = new LinkedHashMap<>();
    Set<String> known = new HashSet<>();
    s.indexes.forEach(w -> known.add(w.path()));
    for (String path : SecondLevelIndexes.choose(s.readable.keySet())) {
      try (InputStream in = Files.newInputStream(s.readable.get(path))) {
        SecondLevelIndexes.read(
            path,
            in,
            f -> {
              if (!known.contains(f.path())) {
                listed.putIfAbsent(f.path(), new Wanted(f.path(), f, Wanted.Kind.INDEX, false));
              }
            });
      } catch (FormatException e) {
        ctx.ledger().warn(e.getMessage() + "; the files it lists are not mirrored");
      }
    }
    if (listed.isEmpty()) return List.of();
    SyncPlan plan = SyncPlanner.plan(listed.values(), ctx.indexView(), ctx.disk());
    s.indexes.addAll(listed.values());
    s.indexPlan = s.indexPlan.and(plan);
    for (Wanted w : plan.reuse()) s.presentIndexes.add(w.path());
    return plan.toFetch();
  }

  /** The files a suite's Release lists, selected, and their by-hash copies. */
  private List<Wanted> wants(SuiteWork s) {
    ReleaseFile release = s.fetched().release();
    Set<String> listed = new LinkedHashSet<>();
    release.files().forEach(e -> listed.add(e.path()));
    Map<String, Wanted> wants = new LinkedHashMap<>();
    List<String> selfListed = new ArrayList<>();
    for (ExpectedFile e : release.files()) {
      if (SuiteSelection.isReleaseFile(e.path())) {
        selfListed.add(e.path());
        continue;
      }
      if (!selection.selects(e.path())) continue;
      String path = s.dist + "/" + e.path();
      boolean absentUsually = SuiteSelection.usuallyAbsent(e.path(), listed);
      wants.put(
          path,
          new Wanted(
              path,
              new ExpectedFile(path, e.size(), e.hashes()),
              Wanted.Kind.INDEX,
              absentUsually));
      if (release.acquireByHash()) byHash(path, e, absentUsually, wants);
    }
    if (!selfListed.isEmpty()) {
      ctx.ledger()
          .warn(
              s.dist
                  + ": the Release lists "
                  + String.join(", ", selfListed)
                  + " of its own; skipped, as apt skips them (a Release made in place by"
                  + " apt-ftparchive)");
    }
    return new ArrayList<>(wants.values());
  }

  /**
   * The by-hash copies of a listed file. Archives keep SHA256 ones (apt asks for the strongest the
   * Release lists); others, and copies of variants usually absent, may well be absent.
   */
  private static void byHash(
      String path, ExpectedFile e, boolean variantAbsentUsually, Map<String, Wanted> wants) {
    String dir = path.substring(0, path.lastIndexOf('/') + 1);
    for (Map.Entry<HashAlgorithm, String> h : e.hashes().values().entrySet()) {
      String copy = dir + "by-hash/" + h.getKey().byHashDirectory() + "/" + h.getValue();
      wants.putIfAbsent(
          copy,
          new Wanted(
              copy,
              new ExpectedFile(copy, e.size(), e.hashes()),
              Wanted.Kind.BY_HASH,
              variantAbsentUsually || h.getKey() != HashAlgorithm.SHA256));
    }
  }

  /** For a plan: the variants in one compression of the indexes no suite can read yet. */
  private static List<Wanted> readable(List<SuiteWork> suites, Compression c) {
    List<Wanted> next = new ArrayList<>();
    for (SuiteWork s : suites) {
      Set<String> read = new LinkedHashSet<>();
      s.readable.keySet().forEach(p -> read.add(Compression.stripExtension(p)));
      for (Wanted w : s.indexPlan.toFetch()) {
        if (w.kind() == Wanted.Kind.INDEX
            && Compression.ofFileName(w.path()) == c
            && (isPoolIndex(w.path()) || SecondLevelIndexes.isOne(w.path()))
            && !read.contains(Compression.stripExtension(w.path()))) {
          next.add(w);
        }
      }
    }
    return next;
  }

  private List<FetchOutcome> transfer(List<Wanted> wanted)
      throws IOException, InterruptedException {
    if (wanted.isEmpty()) return List.of();
    long t = System.nanoTime();
    List<FetchTask> tasks = new ArrayList<>();
    for (Wanted w : wanted) tasks.add(new FetchTask(w.path(), w.path(), w.expected()));
    ctx.progress().planned(tasks.size(), ctx.transfer().bytesToMove(tasks));
    List<FetchOutcome> outcomes = ctx.transfer().fetchAll(tasks, ctx::counted);
    ctx.ledger().phase(Phase.TRANSFER, t);
    return outcomes;
  }

  private void route(List<FetchOutcome> outcomes, Map<String, SuiteWork> owner) {
    for (FetchOutcome o : outcomes) {
      String path = o.task().localPath();
      SuiteWork s = owner.get(path);
      switch (o) {
        case FetchOutcome.Fetched f -> {
          s.staged.put(path, f);
          s.presentIndexes.add(path);
          if (!path.contains("/by-hash/")) s.readable.put(path, f.staged());
        }
        case FetchOutcome.Missing m -> s.listedAbsent.add(path);
        default -> {
          ctx.ledger().fail(RunLedger.Scope.APT, Failures.of(o, ctx.options().transfer().policy()));
          s.indexFailures++;
        }
      }
    }
  }

  /** A Packages or Sources the Release lists of which no variant could be read says so. */
  private void warnUnreadable(SuiteWork s) {
    Set<String> listed = new LinkedHashSet<>();
    for (Wanted w : s.indexes) {
      if (w.kind() == Wanted.Kind.INDEX && isPoolIndex(w.path())) {
        listed.add(Compression.stripExtension(w.path()));
      }
    }
    Set<String> read = new LinkedHashSet<>();
    IndexVariants.choose(s.readable.keySet()).forEach(p -> read.add(Compression.stripExtension(p)));
    listed.removeAll(read);
    for (String index : listed) {
      ctx.ledger().warn(index + ": the Release lists it, but no variant of it is on the upstream");
    }
  }

  private static boolean isPoolIndex(String path) {
    String name = Compression.stripExtension(path);
    name = name.substring(name.lastIndexOf('/') + 1);
    return name.equals("Packages") || name.equals("Sources");
  }
}
