package org.repomirror.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.repomirror.apt.Dists;
import org.repomirror.apt.ReleaseFetcher;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.fs.FileStore;
import org.repomirror.index.Index;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.publish.PublishIntents;
import org.repomirror.publish.Publisher;
import org.repomirror.report.PlanReport;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.RunRecord;
import org.repomirror.report.SyncReport;
import org.repomirror.report.TraceFile;
import org.repomirror.run.Failure;
import org.repomirror.run.FileAction;
import org.repomirror.run.Phase;
import org.repomirror.run.Progress;
import org.repomirror.source.Upstream;
import org.repomirror.source.UpstreamValidators;
import org.repomirror.transfer.StagingContents;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.TreeLister;
import org.repomirror.trust.ReleaseVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors apt suites (and, in tree mode, the whole tree) from an upstream. Orchestration only: it
 * takes the mirror's lock, recovers an interrupted run, runs the apt pass ({@link AptPass}, {@link
 * AptPublication}), the tree pass ({@link TreePass}) and the deletion sweep, publishes the manifest
 * and trace, and reports. {@link #plan} runs the same preparation and reports it instead. Not
 * thread-safe: one run at a time per mirror root, which the lock enforces across processes.
 */
public final class SyncEngine {
  private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);

  private final MirrorLayout layout;
  private final Upstream upstream;
  private final Index index;
  private final Optional<ReleaseVerifier> verifier;
  private final SyncOptions options;
  private final Clock clock;
  private final Progress progress;
  private FileStore files = FileStore.SYSTEM;
  private TreeLister tree;
  private boolean finalSync;
  private volatile boolean stopRequested;
  private volatile RunContext running;

  /**
   * @param verifier checks Release signatures; null only when verification is disabled
   */
  public SyncEngine(
      Path root,
      Upstream upstream,
      Index index,
      ReleaseVerifier verifier,
      SyncOptions options,
      Clock clock) {
    this(root, upstream, index, verifier, options, clock, Progress.NONE);
  }

  /**
   * @param verifier checks Release signatures; null only when verification is disabled
   * @param progress hears of planned and finished work as it happens
   */
  public SyncEngine(
      Path root,
      Upstream upstream,
      Index index,
      ReleaseVerifier verifier,
      SyncOptions options,
      Clock clock,
      Progress progress) {
    this.layout = new MirrorLayout(root);
    this.upstream = upstream;
    this.index = index;
    this.verifier = Optional.ofNullable(verifier);
    this.options = options;
    this.clock = clock;
    this.progress = progress;
  }

  /** Publishes through another filesystem seam (a faulty one, in tests). */
  public SyncEngine withFileStore(FileStore files) {
    this.files = files;
    return this;
  }

  /**
   * Mirrors the whole tree too (tree mode): after the apt suites, every other file the lister
   * finds, verified by what the lister knows of it.
   */
  public SyncEngine mirrorTree(TreeLister lister) {
    this.tree = lister;
    return this;
  }

  /** Makes this the final sync before a cutover: see {@link FinalSync}. */
  public SyncEngine finalSync() {
    this.finalSync = true;
    return this;
  }

  /**
   * Runs the apt suites, the tree pass in tree mode, then due deletions; publishes the manifest and
   * the trace file, and reports.
   *
   * @throws UpstreamBusyException in a final sync, when the upstream is being updated
   * @throws MirrorBusyException when another sync holds this mirror
   * @throws IOException when the disk fails: the published tree is intact
   */
  @SuppressWarnings("try") // the lock is held for the block, not used in it
  public SyncReport run() throws IOException, InterruptedException {
    Instant started = clock.instant();
    try (MirrorLock lock = MirrorLock.take(layout, started)) {
      try {
        return runLocked(started);
      } catch (Transfer.Stopped e) {
        throw interrupted(started);
      } catch (UncheckedIOException e) {
        Staging.abandon(layout, e);
        throw e.getCause();
      } catch (IOException | RuntimeException e) {
        Staging.abandon(layout, e); // the index too may fail with a full disk
        throw e;
      }
    }
  }

  /**
   * Stops the run under way, or the next, from any thread (a signal's): no file starts, the
   * downloads under way break off, the chunk of new files being published is finished, and no suite
   * is published; {@link #run} then throws {@link SyncInterrupted}, with the lock released.
   */
  public void stop() {
    stopRequested = true;
    RunContext ctx = running;
    if (ctx != null) ctx.transfer().stop();
  }

  /** Records the run as interrupted, with what it kept, for {@code status}. */
  private SyncInterrupted interrupted(Instant started) throws IOException {
    RunContext ctx = running;
    long published =
        ctx == null ? 0 : ctx.ledger().changes().size() + ctx.ledger().changesOmitted();
    SyncInterrupted stopped =
        new SyncInterrupted(published, StagingContents.read(layout.staging()));
    RunRecords.recordInterrupted(
        index,
        new RunRecord.Period(started.toString(), clock.instant().toString()),
        upstream.url(""),
        tree == null ? "apt" : "tree",
        ctx == null ? 0 : ctx.ledger().bytesFetched(),
        stopped);
    return stopped;
  }

  private SyncReport runLocked(Instant started) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    RunContext ctx = context(new RunLedger(finalSync), started.toEpochMilli());
    if (finalSync) FinalSync.checkUpdateLocks(upstream, options.dists());
    int rolledBack = ctx.publisher().generations().recover();
    if (rolledBack > 0) log.info("rolled back {} leftovers of an interrupted switch", rolledBack);
    int recovered = PublishIntents.recover(layout.root(), index, ctx.nowMillis());
    if (recovered > 0) log.info("recorded {} files an interrupted run had published", recovered);
    AptRun apt = runApt(ctx);
    TreeRun treeRun = new TreeRun(null, List.of());
    DeletionPolicy.Sweep swept = DeletionPolicy.Sweep.NOTHING;
    if (!apt.trustFailure()) {
      if (tree != null) treeRun = runTree(ctx, apt.result().wanted());
      ctx.checkStop();
      swept = Sweep.run(ctx, apt.result().wanted(), clock.millis());
    }
    SyncReport.TreeReport treeReport = treeRun.report();
    Outcome o = outcome(ctx, apt, treeReport, treeRun.lacking(), swept.guardTripped(), t0);
    RunOutputs.write(ctx, o.outcome(), started, clock.instant());
    Staging.clean(layout);
    SyncReport report = report(ctx, apt, treeReport, swept.delete().size(), o, started);
    RunRecords.record(index, report, tree == null ? "apt" : "tree");
    return report;
  }

  /**
   * The tree pass, and the files the apt suites reference that its listing lacks.
   *
   * @param report null when there was no tree pass
   */
  private record TreeRun(SyncReport.TreeReport report, List<String> lacking) {}

  private TreeRun runTree(RunContext ctx, Set<String> aptWanted)
      throws IOException, InterruptedException {
    TreePass pass = new TreePass(ctx, tree, excludedFromTree(aptWanted), false);
    long t = System.nanoTime();
    Set<String> keep = index.referencedBySuites(null);
    SyncReport.TreeReport report = pass.run(keep);
    ctx.ledger().phase(Phase.TREE, t);
    List<String> lacking = pass.lacking(keep, report);
    for (String p : lacking) {
      ctx.ledger().warn(p + ": an index references it, but the upstream's listing lacks it");
    }
    return new TreeRun(report, lacking);
  }

  /** The outcome of a run and, for a final sync, its verdict. */
  private record Outcome(RunOutcome outcome, String reason, SyncReport.FinalReport verdict) {}

  private Outcome outcome(
      RunContext ctx,
      AptRun apt,
      SyncReport.TreeReport treeReport,
      List<String> lacking,
      boolean guardTripped,
      long t0)
      throws IOException, InterruptedException {
    List<SyncReport.SuiteReport> suites = apt.result().suites();
    SyncReport.FinalReport verdict = null;
    if (finalSync && !apt.trustFailure()) {
      FinalSync.Findings f =
          new FinalSync.Findings(
              suites,
              treeReport,
              lacking,
              ctx.ledger().failures(),
              guardTripped,
              apt.reruns(),
              apt.result().filesChecked());
      verdict =
          FinalSync.verdict(
              ctx, verifier.orElse(null), f, ctx.ledger().changes(), clock.instant(), t0);
    }
    RunOutcomes.Findings findings =
        new RunOutcomes.Findings(
            suites, treeReport, ctx.ledger().failures(), guardTripped, verdict);
    return new Outcome(RunOutcomes.outcome(findings), RunOutcomes.reason(findings), verdict);
  }

  /** The apt pass, and how often a final sync ran it again. */
  private record AptRun(AptPublication.Result result, int reruns, long filesFetched) {
    boolean trustFailure() {
      return result.suites().stream().anyMatch(s -> s.outcome() == SuiteOutcome.TRUST_FAILURE);
    }
  }

  private AptRun runApt(RunContext ctx) throws IOException, InterruptedException {
    AptPass pass = aptPass(ctx);
    AptPublication.Result r =
        new AptPublication(ctx).carryOut(pass.prepare(options.dists(), AptPass.IndexFetch.ALL));
    long fetched = r.filesFetched();
    int reruns = 0;
    List<String> changed =
        finalSync ? FinalSync.changedReleases(layout, releases(), r.suites()) : List.of();
    while (!changed.isEmpty() && reruns < FinalSync.MAX_SUITE_RERUNS) {
      ctx.ledger()
          .warn(
              String.join(", ", changed)
                  + ": the Release changed during the run; syncing the suites again");
      ctx.ledger().restart(RunLedger.Scope.APT);
      reruns++;
      r = new AptPublication(ctx).carryOut(pass.prepare(options.dists(), AptPass.IndexFetch.ALL));
      fetched += r.filesFetched();
      changed = FinalSync.changedReleases(layout, releases(), r.suites());
    }
    if (!changed.isEmpty()) r = markChanging(r, changed);
    return new AptRun(r, reruns, fetched);
  }

  private static AptPublication.Result markChanging(AptPublication.Result r, List<String> changed) {
    List<SyncReport.SuiteReport> suites = new ArrayList<>();
    for (SyncReport.SuiteReport s : r.suites()) {
      suites.add(
          changed.contains(s.dist())
              ? s.withOutcome(SuiteOutcome.CHANGING, "the Release kept changing during the run")
              : s);
    }
    return new AptPublication.Result(
        suites, r.filesFetched(), r.filesUnchanged(), r.filesChecked(), r.wanted());
  }

  /**
   * A dry run: what {@link #run()} would fetch and delete, per suite and for the tree, with an
   * estimated duration. Only what must be read is fetched (Release files, one variant of each
   * index, a probe of a few files), into staging, and deleted again; nothing is published, and only
   * the estimate is recorded in the index, for the next run's report.
   */
  @SuppressWarnings("try")
  public PlanReport plan() throws IOException, InterruptedException {
    Instant started = clock.instant();
    try (MirrorLock lock = MirrorLock.take(layout, started)) {
      RunContext ctx = context(new RunLedger(false), started.toEpochMilli());
      PlanReport report =
          new PlanRun(
                  ctx, aptPass(ctx), tree, this::excludedFromTree, index.referencedBySuites(null))
              .run(upstream.url(""));
      RunRecords.rememberPlan(index, clock, report.estimatedSeconds());
      return report;
    }
  }

  private RunContext context(RunLedger ledger, long nowMillis) {
    Transfer transfer =
        new Transfer(upstream, layout.staging(), layout.quarantine(), options.transfer());
    RunContext ctx =
        new RunContext(
            layout,
            upstream,
            index,
            transfer,
            new Publisher(layout.root(), files),
            files,
            new RunProgress(progress, tree == null ? 1 : 2),
            ledger,
            options,
            clock,
            nowMillis,
            nowMillis);
    running = ctx;
    if (stopRequested) transfer.stop();
    return ctx;
  }

  private AptPass aptPass(RunContext ctx) {
    return new AptPass(ctx, releases(), options.selection());
  }

  private ReleaseFetcher releases() {
    return new ReleaseFetcher(upstream, verifier, this::previousValidators, this::published);
  }

  /** The mirror's published copy of a file, or empty. */
  private Optional<byte[]> published(String path) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(layout.resolve(path)));
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Validators for a conditional request, only when our published copy is still there. */
  private UpstreamValidators previousValidators(String url, String localPath) {
    if (!Files.exists(layout.resolve(localPath))) return null;
    return index.validators(url).orElse(null);
  }

  /** What the tree pass leaves alone: the apt suites' files and folders, and our own outputs. */
  private Predicate<String> excludedFromTree(Set<String> aptWanted) {
    Set<String> claimed = new HashSet<>(aptWanted);
    List<String> dists = new ArrayList<>();
    for (String d : options.dists()) {
      String dist = Dists.normalize(d);
      dists.add(dist + "/");
      index.references(dist).ifPresent(claimed::addAll);
    }
    String ownTrace = TraceFile.DIRECTORY + options.hostname();
    return p -> {
      if (p.startsWith("project/repomirror/") || p.equals(ownTrace) || claimed.contains(p)) {
        return true;
      }
      for (String dist : dists) {
        if (p.startsWith(dist)) return true;
      }
      return false;
    };
  }

  private SyncReport report(
      RunContext ctx,
      AptRun apt,
      SyncReport.TreeReport tree,
      long deleted,
      Outcome o,
      Instant started) {
    List<Failure> failures = ctx.ledger().failures();
    long missing = failures.stream().filter(f -> f.action() == FileAction.MISSING).count();
    long transferMillis = Math.max(1, ctx.ledger().millis(Phase.TRANSFER));
    long fetched = apt.filesFetched() + (tree == null ? 0 : tree.fetched() + tree.links());
    long unchanged = apt.result().filesUnchanged() + (tree == null ? 0 : tree.unchanged());
    return new SyncReport(
        started.toString(),
        clock.instant().toString(),
        upstream.url(""),
        RunOutcomes.signatures(options.dists(), verifier, apt.result().suites()),
        apt.result().suites(),
        ctx.ledger().phases(),
        fetched,
        unchanged,
        failures.size() - missing,
        missing,
        deleted,
        ctx.ledger().bytesFetched(),
        ctx.ledger().bytesFetched() / 1e6 / (transferMillis / 1000.0),
        failures,
        ctx.ledger().warnings(),
        tree,
        ctx.ledger().changes(),
        ctx.ledger().changesOmitted(),
        RunRecords.takePlannedEstimate(index),
        o.verdict(),
        o.outcome(),
        o.reason());
  }

  /** Whether a path is written by this instance itself, never mirrored from an upstream. */
  /**
   * The sync or plan running on a mirror, as it names itself ({@code process 4242 since
   * 2026-12-01T10:00:00Z}); empty when none is. Safe beside that run.
   */
  public static Optional<String> running(Path mirror) {
    return MirrorLock.heldBy(new MirrorLayout(mirror));
  }

  public static boolean ownOutput(String path) {
    return MirrorLayout.ownOutput(path);
  }
}
