package org.repomirror.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.repomirror.apt.Dists;
import org.repomirror.apt.ReleaseFetcher;
import org.repomirror.apt.SuiteReleases;
import org.repomirror.fs.FileStore;
import org.repomirror.fs.IoErrors;
import org.repomirror.index.Index;
import org.repomirror.index.IndexException;
import org.repomirror.index.IndexSnapshot;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.publish.PublishIntents;
import org.repomirror.publish.Sweep;
import org.repomirror.report.PlanReport;
import org.repomirror.report.RunRecord;
import org.repomirror.report.RunRecords;
import org.repomirror.report.SyncReport;
import org.repomirror.report.TraceFile;
import org.repomirror.run.Phase;
import org.repomirror.run.Progress;
import org.repomirror.run.RunProgress;
import org.repomirror.run.Ticker;
import org.repomirror.source.Upstream;
import org.repomirror.store.LocalTree;
import org.repomirror.store.PublishedFiles;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.Staging;
import org.repomirror.transfer.StagingContents;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.TreeLister;
import org.repomirror.tree.TreePass;
import org.repomirror.tree.TreeResult;
import org.repomirror.trust.ReleaseVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors apt suites (and, in tree mode, the whole tree) from an upstream. The runner: it takes the
 * mirror's lock, recovers an interrupted run, runs the apt suites' steps ({@link AptSync}), the
 * tree pass ({@link TreePass}) and the deletion sweep ({@link Sweep}), writes the mirror's own
 * outputs, and makes the report from the ledger and the steps' values. {@link #plan} runs the same
 * steps up to the planner and reports them instead. Not thread-safe: one run at a time per mirror
 * root, which the lock enforces across processes.
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
  private PublishedTree store;
  private TreeLister tree;
  private boolean finalSync;
  private volatile boolean stopRequested;
  private volatile Run running;

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
   * Publishes into another tree than the root folder (an object store); the root keeps only the
   * sync's state then.
   */
  public SyncEngine publishInto(PublishedTree tree) {
    this.store = tree;
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
   * The parts of one run.
   *
   * @param started the run's start: it names the run in the records it writes
   */
  private record Run(
      RunLedger ledger,
      Transfer transfer,
      PublishedTree published,
      RunProgress progress,
      long started) {
    AptSync.Parts apt(Index index) {
      return new AptSync.Parts(index, published, transfer, ledger, progress);
    }

    TreePass.Parts tree(Index index) {
      return new TreePass.Parts(index, published, transfer, ledger, progress, started);
    }
  }

  /**
   * Runs the apt suites, the tree pass in tree mode, then due deletions; publishes the manifest and
   * the trace file, and reports.
   *
   * @throws UpstreamBusyException in a final sync, when the upstream is being updated
   * @throws MirrorBusyException when another sync holds this mirror
   * @throws IOException when the disk fails: the published tree is intact
   */
  public SyncReport run() throws IOException, InterruptedException {
    Instant started = clock.instant();
    try (MirrorLock lock = MirrorLock.take(layout, started)) {
      try {
        return runLocked(started);
      } catch (Transfer.Stopped e) {
        throw interrupted(started);
      } catch (UncheckedIOException e) {
        Staging.abandon(layout.staging(), e);
        throw e.getCause();
      } catch (IOException | RuntimeException e) {
        Staging.abandon(layout.staging(), e); // the index too may fail with a full disk
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
    Run r = running;
    if (r != null) r.transfer().stop();
  }

  /** Records the run as interrupted, with what it kept, for {@code status}. */
  private SyncInterrupted interrupted(Instant started) throws IOException {
    Run r = running;
    long published = r == null ? 0 : r.ledger().changes().size() + r.ledger().changesOmitted();
    SyncInterrupted stopped =
        new SyncInterrupted(published, StagingContents.read(layout.staging()));
    StagingContents kept = stopped.kept();
    RunRecords.recordInterrupted(
        index,
        new RunRecord(
            new RunRecord.Period(started.toString(), clock.instant().toString()),
            upstream.url(""),
            mode(),
            RunRecord.INTERRUPTED,
            new RunRecord.Counts(published, 0, 0, 0, r == null ? 0 : r.ledger().bytesFetched()),
            Map.of(),
            Optional.of(
                new RunRecord.Kept(
                    kept.whole().size(),
                    kept.partial().size(),
                    kept.wholeBytes() + kept.partialBytes()))));
    return stopped;
  }

  private SyncReport runLocked(Instant started) throws IOException, InterruptedException {
    long t0 = Ticker.SYSTEM.nanos();
    RunOutputs.prepare();
    Run run = start(new RunLedger(finalSync), started);
    if (finalSync) FinalSync.checkUpdateLocks(upstream, options.dists());
    boolean recovered = recover(run);
    Reports.AptSummary apt = syncSuites(run);
    TreeRun treeRun = new TreeRun(null, List.of());
    DeletionPolicy.Sweep swept = DeletionPolicy.Sweep.NOTHING;
    if (!apt.trustFailure()) {
      if (tree != null) treeRun = syncTree(run, apt.wanted());
      if (run.transfer().stopped()) throw new Transfer.Stopped();
      swept =
          new Sweep(
                  index, run.published(), run.ledger(), options.deleteGrace(), options.maxDelete())
              .run(apt.wanted(), clock.millis());
    }
    Findings findings = new Findings(apt, treeRun, swept.guardTripped(), t0);
    SyncReport.Ending o = outcome(run, findings);
    RunOutputs.write(
        index, run.published(), run.ledger(), o.outcome(), outputs(started, clock.instant()));
    Staging.clean(layout.staging());
    SyncReport report =
        Reports.sync(run.ledger(), apt, treeRun.report(), swept, o, context(started, apt));
    RunRecords.record(index, report, mode());
    if (store != null && (recovered || changedFiles(report) || !store.hasKeptIndex())) keepIndex();
    return report;
  }

  /** Whether a run changed what the index says of the files: a no-change run changes nothing. */
  private static boolean changedFiles(SyncReport report) {
    SyncReport.Totals t = report.totals();
    return t.filesFetched() + t.filesDeleted() + t.filesFailed() + t.filesMissing() > 0
        || !report.findings().changes().isEmpty();
  }

  /**
   * Leaves a copy of the index beside a tree this node does not hold. A copy that cannot be written
   * fails nothing: what the run published is in place, and the next run writes the copy again.
   */
  private void keepIndex() {
    Path copy = layout.staging().resolve(".index.gz");
    try {
      Files.createDirectories(copy.getParent());
      try (OutputStream out = Files.newOutputStream(copy)) {
        IndexSnapshot.write(index, out);
      }
      store.keepIndex(copy);
    } catch (IOException e) {
      log.warn("the copy of the index beside the tree was not updated: {}", IoErrors.describe(e));
    } finally {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException e) {
        log.debug("cannot delete {}", copy, e);
      }
    }
  }

  /**
   * Finishes what an interrupted run left.
   *
   * @return whether anything was
   */
  private boolean recover(Run run) throws IOException {
    if (store != null && index.suites().isEmpty()) loadKeptIndex();
    int rolledBack = run.published().recoverGenerations();
    if (rolledBack > 0) log.info("rolled back {} leftovers of an interrupted switch", rolledBack);
    int recovered = PublishIntents.recover(run.published(), index, run.started());
    if (recovered > 0) log.info("recorded {} files an interrupted run had published", recovered);
    return rolledBack + recovered > 0;
  }

  /**
   * Loads the copy of the index kept beside a tree this node does not hold, into an index that has
   * no suite (a new sync node, or one that lost its disk): the files in the tree are then known as
   * they were published, and only what changed upstream since is fetched.
   */
  private void loadKeptIndex() throws IOException {
    Optional<InputStream> kept = store.keptIndex();
    if (kept.isEmpty()) return;
    try (InputStream in = kept.get()) {
      long files = IndexSnapshot.load(in, index);
      log.info("loaded the index kept beside the tree: {} files", files);
    } catch (IndexException e) {
      // A copy this version cannot read costs time, not safety: the files are checked and fetched
      // as for a new mirror, and the run leaves a copy it can read.
      log.warn(
          "the copy of the index beside the tree is unreadable, syncing without it: {}",
          e.getMessage());
    }
  }

  /**
   * The apt suites' steps; in a final sync, again while a Release changed during the run, up to
   * {@value FinalSync#MAX_SUITE_RERUNS} times.
   */
  private Reports.AptSummary syncSuites(Run run) throws IOException, InterruptedException {
    AptSync apt = new AptSync(run.apt(index), options, releases(run), clock, run.started());
    Reports.AptSummary summary = Reports.apt(apt.run());
    long fetched = summary.filesFetched();
    int reruns = 0;
    List<String> changed = changedReleases(run, summary);
    while (!changed.isEmpty() && reruns < FinalSync.MAX_SUITE_RERUNS) {
      run.ledger()
          .warn(
              String.join(", ", changed)
                  + ": the Release changed during the run; syncing the suites again");
      run.ledger().restart(RunLedger.Scope.APT);
      reruns++;
      summary = Reports.apt(apt.run());
      fetched += summary.filesFetched();
      changed = changedReleases(run, summary);
    }
    if (!changed.isEmpty()) summary = summary.changing(changed);
    return summary.rerun(reruns, fetched);
  }

  private List<String> changedReleases(Run run, Reports.AptSummary summary) throws IOException {
    if (!finalSync) return List.of();
    return FinalSync.changedReleases(run.published(), releases(run), summary.settled());
  }

  /**
   * The tree pass, and the files the apt suites reference that its listing lacks.
   *
   * @param report null when there was no tree pass
   */
  record TreeRun(TreeResult report, List<String> lacking) {}

  private TreeRun syncTree(Run run, Set<String> aptWanted)
      throws IOException, InterruptedException {
    TreePass pass = new TreePass(run.tree(index), tree, excludedFromTree(aptWanted), false);
    Set<String> keep = index.referencedBySuites(null);
    TreeResult report;
    try (var t = run.ledger().time(Phase.TREE)) {
      report = pass.run(keep);
    }
    List<String> lacking = pass.lacking(keep, report);
    for (String p : lacking) {
      run.ledger().warn(p + ": an index references it, but the upstream's listing lacks it");
    }
    return new TreeRun(report, lacking);
  }

  /** What a run found, for its outcome. */
  record Findings(Reports.AptSummary apt, TreeRun tree, boolean guardTripped, long startNanos) {}

  private SyncReport.Ending outcome(Run run, Findings f) throws IOException, InterruptedException {
    SyncReport.FinalReport verdict = null;
    if (finalSync && !f.apt().trustFailure()) {
      verdict =
          FinalSync.verdict(
              store != null ? store.files() : PublishedFiles.inFolder(layout.root()),
              index,
              run.ledger(),
              verifier.orElse(null),
              f,
              clock.instant());
    }
    RunOutcomes.Findings findings =
        new RunOutcomes.Findings(
            f.apt().suites(),
            f.tree().report(),
            run.ledger().failures(),
            f.guardTripped(),
            verdict);
    return new SyncReport.Ending(
        RunOutcomes.outcome(findings), RunOutcomes.reason(findings), verdict);
  }

  /**
   * A dry run: what {@link #run()} would fetch and delete, per suite and for the tree, with an
   * estimated duration. Only what must be read is fetched (Release files, one variant of each
   * index, a probe of a few files), into staging, and deleted again; nothing is published, and only
   * the estimate is recorded in the index, for the next run's report.
   *
   * @param startUp what the sync would pay before it lists, as this process paid it: the JVM's
   *     start and the index's opening for a mirror run alone or first, else nothing
   */
  public PlanReport plan(Duration startUp) throws IOException, InterruptedException {
    Instant started = clock.instant();
    try (MirrorLock lock = MirrorLock.take(layout, started)) {
      Run run = start(new RunLedger(false), started);
      AptSync apt = new AptSync(run.apt(index), options, releases(run), clock, run.started());
      PlanRun.Tree treePass =
          tree == null ? null : new PlanRun.Tree(tree, run.tree(index), this::excludedFromTree);
      PlanReport report =
          new PlanRun(
                  run.apt(index),
                  options,
                  new SuiteReleases(releases(run), run.ledger(), clock),
                  apt.indexReader(),
                  treePass)
              .run(upstream.url(""), startUp);
      RunRecords.rememberPlan(index, clock, report.estimate().estimatedSeconds());
      return report;
    }
  }

  private Run start(RunLedger ledger, Instant started) throws IOException {
    Transfer transfer =
        new Transfer(
            upstream,
            layout.staging(),
            layout.quarantine(),
            options.transfer(),
            clock,
            Ticker.SYSTEM);
    Run run =
        new Run(
            ledger,
            transfer,
            store != null
                ? store
                : new LocalTree(layout.root(), layout.staging(), files, Ticker.SYSTEM),
            new RunProgress(progress, tree == null ? 1 : 2),
            started.toEpochMilli());
    running = run;
    if (stopRequested) transfer.stop();
    return run;
  }

  private String mode() {
    return tree == null ? "apt" : "tree";
  }

  private Reports.Context context(Instant started, Reports.AptSummary apt) {
    return new Reports.Context(
        started,
        clock.instant(),
        upstream.url(""),
        RunOutcomes.signatures(options.dists(), verifier, apt.suites()),
        RunRecords.takePlannedEstimate(index),
        upstream.transportUse());
  }

  private RunOutputs.Trace outputs(Instant started, Instant finished) {
    return new RunOutputs.Trace(started, finished, options.hostname(), upstream.url(""));
  }

  /**
   * Fetches Releases conditionally, with the validators of the last fetch only while our published
   * copy is still there, and verifies an unchanged one's published copy.
   */
  private ReleaseFetcher releases(Run run) {
    PublishedTree published = run.published();
    return new ReleaseFetcher(
        upstream,
        verifier,
        (url, localPath) -> published.exists(localPath) ? index.validators(url).orElse(null) : null,
        published::read);
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

  /**
   * The sync or plan running on a mirror, as it names itself ({@code process 4242 since
   * 2026-12-01T10:00:00Z}); empty when none is. Safe beside that run.
   */
  public static Optional<String> running(Path mirror) {
    return MirrorLock.heldBy(new MirrorLayout(mirror));
  }

  /** Whether a path is written by this instance itself, never mirrored from an upstream. */
  public static boolean ownOutput(String path) {
    return MirrorLayout.ownOutput(path);
  }
}
