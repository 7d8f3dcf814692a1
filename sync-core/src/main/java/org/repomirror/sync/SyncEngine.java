package org.repomirror.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.repomirror.apt.Dists;
import org.repomirror.apt.ReleaseFetcher;
import org.repomirror.apt.SuiteSelection;
import org.repomirror.fs.FileStore;
import org.repomirror.index.Index;
import org.repomirror.plan.TransferEstimate;
import org.repomirror.plan.Wanted;
import org.repomirror.publish.ManifestPublisher;
import org.repomirror.publish.PublishIntents;
import org.repomirror.publish.Publisher;
import org.repomirror.report.PlanReport;
import org.repomirror.report.Progress;
import org.repomirror.report.RunOutcome;
import org.repomirror.report.SyncReport;
import org.repomirror.report.TraceFile;
import org.repomirror.source.Upstream;
import org.repomirror.source.UpstreamValidators;
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
  static final String PLAN_KEY = "plan";

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
  public SyncReport run() throws IOException, InterruptedException {
    Instant started = clock.instant();
    try (MirrorLock lock = MirrorLock.take(layout, started)) {
      try {
        return runLocked(started);
      } catch (UncheckedIOException e) {
        Staging.abandon(layout, e);
        throw e.getCause();
      } catch (IOException | RuntimeException e) {
        Staging.abandon(layout, e); // the index too may fail with a full disk
        throw e;
      }
    }
  }

  private SyncReport runLocked(Instant started) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    RunContext ctx = context(new RunLedger(finalSync), started.toEpochMilli());
    if (finalSync) FinalSync.checkUpdateLocks(upstream, options.dists());
    int recovered = PublishIntents.recover(layout.root(), index, ctx.nowMillis());
    if (recovered > 0) log.info("recorded {} files an interrupted run had published", recovered);
    AptRun apt = runApt(ctx);
    SyncReport.TreeReport treeReport = null;
    List<String> lacking = List.of();
    long deleted = 0;
    if (!apt.trustFailure()) {
      if (tree != null) {
        TreePass pass = new TreePass(ctx, tree, excludedFromTree(apt.result().wanted()), false);
        long t = System.nanoTime();
        Set<String> keep = suiteReferences();
        treeReport = pass.run(keep);
        ctx.ledger().phase("tree", t);
        lacking = pass.lacking(keep, treeReport);
        lacking.forEach(
            p ->
                ctx.ledger()
                    .warn(p + ": an index references it, but the upstream's listing lacks it"));
      }
      deleted = Sweep.run(ctx, apt.result().wanted(), clock.millis());
    }
    Staging.clean(layout);
    Outcome o = outcome(ctx, apt, treeReport, lacking, deleted < 0, started, t0);
    writeOutputs(ctx, o.outcome(), started);
    SyncReport report = report(ctx, apt, treeReport, Math.max(0, deleted), o, started);
    recordRun(report);
    return report;
  }

  /** The outcome of a run and, for a final sync, its verdict. */
  private record Outcome(RunOutcome outcome, String reason, SyncReport.FinalReport verdict) {}

  private Outcome outcome(
      RunContext ctx,
      AptRun apt,
      SyncReport.TreeReport treeReport,
      List<String> lacking,
      boolean guardTripped,
      Instant started,
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
      return result.suites().stream()
          .anyMatch(s -> s.outcome() == org.repomirror.report.SuiteOutcome.TRUST_FAILURE);
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
              ? s.withOutcome(
                  org.repomirror.report.SuiteOutcome.CHANGING,
                  "the Release kept changing during the run")
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
  public PlanReport plan() throws IOException, InterruptedException {
    Instant started = clock.instant();
    try (MirrorLock lock = MirrorLock.take(layout, started)) {
      long t0 = System.nanoTime();
      RunContext ctx = context(new RunLedger(false), started.toEpochMilli());
      AptPass.Prepared prepared = aptPass(ctx).prepare(options.dists(), AptPass.IndexFetch.TO_READ);
      PlanMaker maker = new PlanMaker(ctx, prepared);
      List<PlanReport.Item> items = new ArrayList<>(maker.items());
      PlanMaker.Totals totals = maker.totals();
      List<Wanted> candidates = new ArrayList<>(prepared.pool().toFetch());
      SyncReport.TreeReport t = null;
      if (tree != null && !prepared.trustFailure()) {
        TreePass dry =
            new TreePass(ctx, tree, excludedFromTree(AptPass.allWanted(prepared.suites())), true);
        t = dry.run(suiteReferences());
        items.add(PlanReport.Item.tree(t));
        candidates.addAll(dry.probeCandidates());
      }
      PlanReport report = planReport(ctx, prepared, items, totals, t, candidates, t0);
      Staging.clean(layout);
      return report;
    }
  }

  private PlanReport planReport(
      RunContext ctx,
      AptPass.Prepared prepared,
      List<PlanReport.Item> items,
      PlanMaker.Totals totals,
      SyncReport.TreeReport t,
      List<Wanted> candidates,
      long t0)
      throws IOException, InterruptedException {
    long poolFiles = totals.poolFiles() + (t == null ? 0 : t.fetched());
    long poolBytes = totals.poolBytes() + (t == null ? 0 : t.bytesFetched());
    long files = poolFiles + totals.indexFiles();
    long bytes = poolBytes + totals.indexBytes();
    double listSeconds = (System.nanoTime() - t0) / 1e9;
    TransferEstimate.Estimate e =
        prepared.trustFailure()
            ? new TransferEstimate.None("a signature failed: nothing would be fetched")
            : Probe.estimate(ctx, candidates, files, bytes);
    Double total =
        e instanceof TransferEstimate.Seconds s ? Double.valueOf(listSeconds + s.seconds()) : null;
    rememberPlan(total);
    List<SyncReport.SuiteReport> asSuites = new ArrayList<>();
    prepared
        .suites()
        .forEach(
            s ->
                asSuites.add(
                    SyncReport.SuiteReport.early(
                        s.dist,
                        s.ended() != null ? s.ended() : org.repomirror.report.SuiteOutcome.CHANGED,
                        s.reason(),
                        s.signatures)));
    RunOutcomes.Findings f =
        new RunOutcomes.Findings(asSuites, t, ctx.ledger().failures(), false, null);
    return new PlanReport(
        upstream.url(""),
        items,
        files,
        bytes,
        poolFiles,
        poolBytes,
        totals.indexFiles(),
        totals.indexBytes(),
        totals.absentFiles(),
        totals.absentBytes(),
        totals.unchanged() + (t == null ? 0 : t.unchanged()),
        totals.delete() + (t == null ? 0 : t.markedForDeletion()),
        total,
        total == null
            ? e.basis()
            : String.format("listing %.1f s as measured now; transfer %s", listSeconds, e.basis()),
        ctx.ledger().warnings(),
        RunOutcomes.outcome(f),
        RunOutcomes.reason(f));
  }

  private RunContext context(RunLedger ledger, long nowMillis) {
    Transfer transfer =
        new Transfer(upstream, layout.staging(), layout.quarantine(), options.transfer());
    return new RunContext(
        layout,
        upstream,
        index,
        transfer,
        new Publisher(layout.root(), files),
        files,
        progress,
        ledger,
        options,
        nowMillis,
        nowMillis);
  }

  private AptPass aptPass(RunContext ctx) {
    SuiteSelection selection =
        new SuiteSelection(
            options.components(), options.architectures(), options.binaries(), options.sources());
    return new AptPass(ctx, releases(), selection);
  }

  private ReleaseFetcher releases() {
    return new ReleaseFetcher(upstream, verifier, this::previousValidators);
  }

  /** Validators for a conditional request, only when our published copy is still there. */
  private UpstreamValidators previousValidators(String url, String localPath) {
    if (!Files.exists(layout.resolve(localPath))) return null;
    return index.validators(url).orElse(null);
  }

  private Set<String> suiteReferences() {
    Set<String> keep = new HashSet<>();
    for (String suite : index.suites()) index.references(suite).ifPresent(keep::addAll);
    return keep;
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
    return p ->
        p.startsWith("project/repomirror/")
            || p.equals(ownTrace)
            || claimed.contains(p)
            || dists.stream().anyMatch(p::startsWith);
  }

  /**
   * The mirror's own outputs: the manifest after a run that wrote anything (never after a trust
   * failure, and never an empty one for a mirror that holds nothing), and the trace only after a
   * run that ended OK, since it says when the mirror was last complete.
   */
  private void writeOutputs(RunContext ctx, RunOutcome outcome, Instant started)
      throws IOException {
    long t = System.nanoTime();
    if (outcome == RunOutcome.TRUST_FAILURE) return;
    boolean changed = !ctx.ledger().changes().isEmpty() || ctx.ledger().changesOmitted() > 0;
    boolean missing = !Files.exists(layout.resolve(MirrorLayout.manifest()));
    if (changed || (missing && holdsFiles())) {
      ManifestPublisher.publish(layout.root(), index, MirrorLayout::ownOutput);
    }
    ctx.ledger().phase("publish", t);
    if (outcome == RunOutcome.OK) {
      TraceFile.of(
              started,
              clock.instant(),
              version(),
              options.hostname(),
              upstream.url(""),
              ctx.ledger().bytesFetched())
          .write(layout.root(), options.hostname());
    }
  }

  private boolean holdsFiles() {
    boolean[] any = {false};
    index.forEachPath("", p -> any[0] = true);
    return any[0];
  }

  private SyncReport report(
      RunContext ctx,
      AptRun apt,
      SyncReport.TreeReport tree,
      long deleted,
      Outcome o,
      Instant started) {
    List<SyncReport.Failure> failures = ctx.ledger().failures();
    long missing =
        failures.stream()
            .filter(f -> f.action() == org.repomirror.report.FileAction.MISSING)
            .count();
    long transferMillis = Math.max(1, ctx.ledger().phases().getOrDefault("transfer", 0L));
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
        takePlannedEstimate(),
        o.verdict(),
        o.outcome(),
        o.reason());
  }

  private void rememberPlan(Double estimatedSeconds) throws JsonProcessingException {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("created", clock.instant().toString());
    plan.put("estimatedSeconds", estimatedSeconds);
    try (Index.Batch batch = index.batch()) {
      batch.putMeta(PLAN_KEY, new ObjectMapper().writeValueAsString(plan));
      batch.commit();
    }
  }

  /** The estimate of the plan made since the last run, if any; used once. */
  private Double takePlannedEstimate() {
    Optional<String> plan = index.meta(PLAN_KEY);
    if (plan.isEmpty()) return null;
    try (Index.Batch batch = index.batch()) {
      batch.deleteMeta(PLAN_KEY);
      batch.commit();
    }
    try {
      var seconds = new ObjectMapper().readTree(plan.get()).get("estimatedSeconds");
      return seconds == null || seconds.isNull() ? null : seconds.asDouble();
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
  }

  /** Keeps a summary of the run in the index, for {@code status} and the estimates of a plan. */
  private void recordRun(SyncReport r) throws JsonProcessingException {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("started", r.started());
    summary.put("finished", r.finished());
    summary.put("upstream", r.upstream());
    summary.put("mode", tree == null ? "apt" : "tree");
    summary.put("outcome", r.outcome().label());
    summary.put("filesFetched", r.filesFetched());
    summary.put("filesFailed", r.filesFailed() + r.filesMissing());
    summary.put("filesDeleted", r.filesDeleted());
    summary.put("bytesFetched", r.bytesFetched());
    summary.put("phaseMillis", r.phaseMillis());
    try (Index.Batch batch = index.batch()) {
      batch.putRun(r.started(), new ObjectMapper().writeValueAsString(summary));
      batch.commit();
    }
  }

  /** Whether a path is written by this instance itself, never mirrored from an upstream. */
  public static boolean ownOutput(String path) {
    return MirrorLayout.ownOutput(path);
  }

  private static String version() {
    String v = SyncEngine.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }
}
