package org.repomirror.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.repomirror.debian.Compression;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.debian.IndexVariants;
import org.repomirror.debian.PackagesIndex;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.debian.SourcesIndex;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.index.Index;
import org.repomirror.index.UpstreamValidators;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.SyncPlanner;
import org.repomirror.publish.ManifestPublisher;
import org.repomirror.publish.Publisher;
import org.repomirror.report.PlanReport;
import org.repomirror.report.Progress;
import org.repomirror.report.SyncReport;
import org.repomirror.report.TraceFile;
import org.repomirror.source.FetchException;
import org.repomirror.source.Upstream;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.Manifest;
import org.repomirror.tree.TreeLister;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.trust.TrustException;
import org.repomirror.trust.VerifiedRelease;
import org.repomirror.verify.TreeVerifier;
import org.repomirror.verify.VerifyReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors apt suites from an upstream: signed Release → indexes → pool files, each verified,
 * staged, then published in two stages, and recorded in the index in one batch. A suite whose
 * signature fails changes nothing; a suite with bad or missing files keeps its old metadata. Not
 * thread-safe: one run at a time per mirror root.
 */
public final class SyncEngine {
  private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);
  private static final int MAX_RELEASE_BYTES = 64 * 1024 * 1024;
  static final int MAX_SUITE_RERUNS = 3;

  /** Changed paths listed in an ordinary run's report; a final sync lists every one. */
  private static final int MAX_CHANGES_REPORTED = 10_000;

  static final String PLAN_KEY = "plan";

  private final Path root;
  private final Path staging;
  private final Upstream upstream;
  private final Index index;
  private final ReleaseVerifier verifier;
  private final SyncOptions options;
  private final Clock clock;
  private final Transfer transfer;
  private final Publisher publisher;
  private final Map<String, Long> phaseMillis = new LinkedHashMap<>();
  private final List<SyncReport.Failure> failures = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final AtomicLong bytesFetched = new AtomicLong();
  private final Progress progress;
  private long generation;
  private long deleted;
  private TreeLister tree;
  private boolean finalSync;
  private final List<SyncReport.Change> changes = new ArrayList<>();
  private long changesOmitted;

  /** Paths this run's apt suites cover: the tree pass leaves them alone. */
  private final Set<String> claimed = new HashSet<>();

  private final List<String> claimedDists = new ArrayList<>();

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
    this.progress = progress;
    this.root = root;
    this.staging = root.resolve(".repomirror/staging");
    this.upstream = upstream;
    this.index = index;
    this.verifier = verifier;
    this.options = options;
    this.clock = clock;
    this.transfer =
        new Transfer(upstream, staging, root.resolve(".repomirror/quarantine"), options.transfer());
    this.publisher = new Publisher(root);
  }

  /**
   * Mirrors the whole tree too (tree mode): after the apt suites, every other file the lister finds
   * is mirrored, verified by what the lister knows of it.
   */
  public SyncEngine mirrorTree(TreeLister lister) {
    this.tree = lister;
    return this;
  }

  /**
   * Makes this the final sync before a cutover: it refuses to start while the upstream shows an
   * update lock, syncs a suite again (up to {@value #MAX_SUITE_RERUNS} times) when its Release
   * changed during the run, verifies everything it touched and every suite's signed chain, lists
   * every change, and ends with a verdict.
   */
  public SyncEngine finalSync() {
    this.finalSync = true;
    return this;
  }

  /**
   * Runs the sync of every dist, then the tree pass in tree mode, then due deletions; publishes the
   * manifest and the trace file, and reports.
   *
   * @throws UpstreamBusyException in a final sync, when the upstream is being updated
   * @throws IOException when another sync holds this mirror, or the disk fails
   */
  public SyncReport run() throws IOException, InterruptedException {
    try (MirrorLock lock = MirrorLock.take(root)) {
      try {
        return runLocked();
      } catch (IOException e) {
        abandonStaging(e);
        throw e;
      }
    }
  }

  /**
   * After an I/O failure, nothing staged is published: staged files go, and on a full disk the
   * partial downloads too, to give the space back (the published tree is untouched either way).
   */
  private void abandonStaging(IOException cause) {
    boolean diskFull = String.valueOf(cause.getMessage()).contains("No space left on device");
    try (java.util.stream.Stream<Path> files = Files.walk(staging)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        if (diskFull || !p.getFileName().toString().endsWith(".part")) Files.deleteIfExists(p);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      log.warn("could not clean {}: {}", staging, e.toString());
    }
  }

  private SyncReport runLocked() throws IOException, InterruptedException {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    generation = started.toEpochMilli();
    if (finalSync) checkUpdateLocks();
    cleanStaging();
    int recovered = PublishIntents.recover(root, index, clock.millis());
    if (recovered > 0) log.info("recorded {} files an interrupted run had published", recovered);
    List<SyncReport.SuiteReport> suites = new ArrayList<>();
    int reruns = 0;
    for (String d : options.dists()) {
      String dist = d.replaceAll("^/+|/+$", "");
      SyncReport.SuiteReport suite = syncDist(dist);
      for (int rerun = 1;
          finalSync && settled(suite) && releaseChanged(dist) && rerun <= MAX_SUITE_RERUNS;
          rerun++) {
        warnings.add(dist + ": the Release changed during the run; syncing the suite again");
        reruns++;
        suite = syncDist(dist);
      }
      if (finalSync && settled(suite) && releaseChanged(dist)) {
        suite = suite.withOutcome("changing", "the Release kept changing during the run");
      }
      suites.add(suite);
    }
    SyncReport.TreeReport treeReport = null;
    if (tree != null) {
      long t = System.nanoTime();
      treeReport = treeSync(false).run(suiteReferences());
      bytesFetched.addAndGet(treeReport.bytesFetched());
      addPhase("tree", t);
    }
    boolean guardTripped = sweepDeletions();
    Instant synced = clock.instant();
    long fetched = suites.stream().mapToLong(SyncReport.SuiteReport::fetched).sum();
    long unchanged = suites.stream().mapToLong(SyncReport.SuiteReport::unchanged).sum();
    long failed = suites.stream().mapToLong(SyncReport.SuiteReport::failed).sum();
    long missing = suites.stream().mapToLong(SyncReport.SuiteReport::missing).sum();
    if (treeReport != null) {
      fetched += treeReport.fetched();
      unchanged += treeReport.unchanged();
      failed += treeReport.failed();
    }
    long transferMillis = Math.max(1, phaseMillis.getOrDefault("transfer", 0L));
    int exit = 0;
    if (suites.stream().anyMatch(s -> !settled(s)) || failed > 0 || missing > 0) {
      exit = 1;
    }
    if (guardTripped || (treeReport != null && treeReport.outcome().equals("listing-failed"))) {
      exit = Math.max(exit, 1);
    }
    if (suites.stream().anyMatch(s -> s.outcome().equals("trust-failure"))) {
      exit = 3;
    }
    long tOutputs = System.nanoTime();
    boolean changed =
        fetched > 0
            || deleted > 0
            || suites.stream().anyMatch(s -> s.outcome().equals("published"))
            || (treeReport != null && treeReport.links() > 0);
    if (changed || !Files.exists(root.resolve(Manifest.PATH))) {
      // Rewriting it reads the whole index: skipped when the run changed nothing.
      ManifestPublisher.publish(root, index, SyncEngine::ownOutput);
    }
    addPhase("publish", tOutputs);
    SyncReport.FinalReport verdict = null;
    if (finalSync) {
      verdict = verdict(suites, treeReport, guardTripped, reruns, synced, t0);
      if (!verdict.identical()) exit = Math.max(exit, 1);
    }
    Instant finished = clock.instant();
    if (exit == 0) {
      // As ftpsync does: the trace says when the mirror was last complete.
      TraceFile.of(
              started,
              finished,
              version(),
              options.hostname(),
              upstream.url(""),
              bytesFetched.get())
          .write(root, options.hostname());
    }
    SyncReport report =
        new SyncReport(
            started.toString(),
            finished.toString(),
            upstream.url(""),
            options.dists().isEmpty()
                ? "none to check (no --dist)"
                : verifier != null ? "verified" : "disabled (--no-verify-signature)",
            suites,
            phases(),
            fetched,
            unchanged,
            failed,
            missing,
            deleted,
            bytesFetched.get(),
            bytesFetched.get() / 1e6 / (transferMillis / 1000.0),
            List.copyOf(failures),
            List.copyOf(warnings),
            treeReport,
            List.copyOf(changes),
            changesOmitted,
            takePlannedEstimate(),
            verdict,
            exit);
    recordRun(report);
    return report;
  }

  /**
   * A dry run: what {@link #run()} would fetch and delete, per suite and for the tree, with an
   * estimated duration. Only metadata is fetched (changed Release files and indexes, to read them),
   * into staging; nothing is published and only the estimate is recorded in the index, for the next
   * run's report.
   */
  public PlanReport plan() throws IOException, InterruptedException {
    try (MirrorLock lock = MirrorLock.take(root)) {
      long t0 = System.nanoTime();
      generation = clock.millis();
      cleanStaging();
      List<PlanReport.Item> items = new ArrayList<>();
      List<FetchTask> probe = new ArrayList<>();
      for (String d : options.dists()) {
        items.add(planDist(d.replaceAll("^/+|/+$", ""), probe));
      }
      if (tree != null) {
        TreeSync dry = treeSync(true);
        SyncReport.TreeReport t = dry.run(suiteReferences());
        items.add(
            new PlanReport.Item(
                "tree (" + t.source() + ")",
                t.outcome(),
                t.fetched(),
                t.bytesFetched(),
                t.unchanged(),
                t.markedForDeletion()));
        probe.addAll(dry.probeCandidates());
      }
      cleanStaging();
      long files = items.stream().mapToLong(PlanReport.Item::fetchFiles).sum();
      long bytes = items.stream().mapToLong(PlanReport.Item::fetchBytes).sum();
      double listSeconds = (System.nanoTime() - t0) / 1e9;
      TransferEstimate e = TransferEstimate.of(index, transfer, files, bytes, probe);
      double total = listSeconds + e.seconds();
      try (Index.Batch batch = index.batch()) {
        batch.putMeta(
            PLAN_KEY,
            new ObjectMapper()
                .writeValueAsString(
                    Map.of("created", clock.instant().toString(), "estimatedSeconds", total)));
        batch.commit();
      }
      return new PlanReport(
          upstream.url(""),
          items,
          files,
          bytes,
          items.stream().mapToLong(PlanReport.Item::unchangedFiles).sum(),
          items.stream().mapToLong(PlanReport.Item::deleteFiles).sum(),
          total,
          String.format("listing %.1f s as measured now; transfer %s", listSeconds, e.basis()),
          List.copyOf(warnings));
    }
  }

  private PlanReport.Item planDist(String dist, List<FetchTask> probe)
      throws IOException, InterruptedException {
    String base = dist.contains("dists/") ? dist.substring(0, dist.indexOf("dists/")) : "";
    claimedDists.add(dist + "/");
    Optional<Meta> fetched;
    try {
      fetched = fetchRelease(dist);
    } catch (TrustException e) {
      return new PlanReport.Item(dist, "trust-failure: " + e.getMessage(), 0, 0, 0, 0);
    } catch (FetchException e) {
      return new PlanReport.Item(dist, "unreachable: " + e.getMessage(), 0, 0, 0, 0);
    }
    Set<String> before = index.references(dist).orElse(Set.of());
    if (fetched.isEmpty()) {
      claimed.addAll(before);
      return new PlanReport.Item(dist, "unchanged", 0, 0, before.size(), 0);
    }
    ReleaseFile release;
    try {
      release = ReleaseFile.parse(releaseText(fetched.get()));
    } catch (TrustException | FormatException e) {
      return new PlanReport.Item(dist, "malformed Release: " + e.getMessage(), 0, 0, 0, 0);
    }
    ReleaseTasks tasks = releaseTasks(dist, release);
    SyncPlan metaPlan = SyncPlanner.plan(tasks.meta(), index::file, this::diskSize);
    Map<String, Path> available = new LinkedHashMap<>();
    metaPlan.reuse().forEach(t -> available.put(t.localPath(), root.resolve(t.localPath())));
    // The changed indexes must be read to know the pool: they are fetched into staging only.
    for (FetchOutcome o : transfer.fetchAll(metaPlan.fetch(), x -> {})) {
      if (o instanceof FetchOutcome.Fetched f) available.put(f.task().localPath(), f.staged());
    }
    Map<String, FetchTask> pool = new LinkedHashMap<>();
    try {
      for (String indexPath : IndexVariants.choose(available.keySet())) {
        readIndex(indexPath, available.get(indexPath), base, pool);
      }
    } catch (FormatException e) {
      return new PlanReport.Item(dist, "corrupt index: " + e.getMessage(), 0, 0, 0, 0);
    }
    claimed.addAll(pool.keySet());
    SyncPlan poolPlan = SyncPlanner.plan(pool.values(), index::file, this::diskSize);
    SyncPlan byHashPlan = SyncPlanner.plan(dedupe(tasks.byHash()), index::file, this::diskSize);
    probe.addAll(poolPlan.fetch().subList(0, Math.min(8, poolPlan.fetch().size())));
    Set<String> now = new HashSet<>(pool.keySet());
    tasks.meta().forEach(t -> now.add(t.localPath()));
    tasks.byHash().forEach(t -> now.add(t.localPath()));
    fetched.get().raw().forEach(r -> now.add(r.path()));
    long delete = before.stream().filter(p -> !now.contains(p)).count();
    List<FetchTask> fetch = new ArrayList<>(metaPlan.fetch());
    fetch.addAll(byHashPlan.fetch());
    fetch.addAll(poolPlan.fetch());
    return new PlanReport.Item(
        dist,
        "changed",
        fetch.size() + fetched.get().raw().size(),
        fetch.stream().mapToLong(t -> t.expected().size()).sum(),
        metaPlan.reuse().size() + poolPlan.reuse().size() + byHashPlan.reuse().size(),
        delete);
  }

  void declareIntents(List<FileRecord> records) {
    PublishIntents.declare(index, records);
  }

  /** Whether a suite ended as it should: published, or unchanged upstream. */
  private static boolean settled(SyncReport.SuiteReport s) {
    return s.outcome().equals("published") || s.outcome().equals("unchanged");
  }

  private TreeSync treeSync(boolean dryRun) {
    return new TreeSync(
        root,
        tree,
        index,
        transfer,
        publisher,
        progress,
        this::excludedFromTree,
        generation,
        clock.millis(),
        failures,
        warnings,
        this::declareIntents,
        this::change,
        this::addPhase,
        dryRun);
  }

  private Set<String> suiteReferences() {
    Set<String> keep = new HashSet<>();
    for (String suite : index.suites()) index.references(suite).ifPresent(keep::addAll);
    return keep;
  }

  /**
   * Refuses to start while the upstream shows a Debian-style update lock ({@code
   * Archive-Update-in-Progress-<host>}) at its root or at the base of a dist: it is in the middle
   * of an update, and a copy now would be of half of it.
   */
  private void checkUpdateLocks() throws IOException {
    Set<String> bases = new LinkedHashSet<>();
    bases.add("");
    for (String d : options.dists()) {
      bases.add(d.contains("dists/") ? d.substring(0, d.indexOf("dists/")) : "");
    }
    for (String base : bases) {
      Optional<String> lock = UpdateLocks.find(upstream, base);
      if (lock.isPresent()) {
        throw new UpstreamBusyException(
            "the upstream is being updated ("
                + upstream.url(lock.get())
                + " exists); a final sync now would copy half an update. Try again once it is gone.");
      }
    }
  }

  /** Whether the upstream's Release of a dist differs from the one just published. */
  private boolean releaseChanged(String dist) throws IOException {
    for (String name : List.of("InRelease", "Release")) {
      Path local = root.resolve(dist + "/" + name);
      if (!Files.exists(local)) continue;
      Optional<Upstream.Body> now = fetchIfPresent(dist + "/" + name);
      return now.isEmpty()
          || !java.util.Arrays.equals(now.get().bytes(), Files.readAllBytes(local));
    }
    return false;
  }

  /**
   * The final sync's proof: everything this run wrote re-read from disk and hashed, each suite's
   * chain from its signature down; and a verdict.
   */
  private SyncReport.FinalReport verdict(
      List<SyncReport.SuiteReport> suites,
      SyncReport.TreeReport treeReport,
      boolean guardTripped,
      int reruns,
      Instant synced,
      long startNanos)
      throws IOException, InterruptedException {
    long t = System.nanoTime();
    Set<String> touched = new HashSet<>();
    for (SyncReport.Change c : changes) {
      if (!c.action().equals("deleted")) touched.add(c.path());
    }
    VerifyReport proof =
        TreeVerifier.ofTouched(
                root, index, verifier, 2 * Runtime.getRuntime().availableProcessors(), touched)
            .run();
    addPhase("verify", t);
    List<String> differences = new ArrayList<>();
    for (SyncReport.SuiteReport s : suites) {
      if (!settled(s)) differences.add(s.dist() + ": " + s.outcome() + " (" + s.reason() + ")");
    }
    if (treeReport != null && treeReport.outcome().equals("listing-failed")) {
      differences.add("tree: the listing failed (" + treeReport.reason() + ")");
    }
    for (SyncReport.Failure f : failures) {
      differences.add(f.path() + ": " + f.reason() + " -> " + f.action());
    }
    for (VerifyReport.Problem p : proof.problems()) {
      differences.add(p.path() + ": " + p.kind() + ": " + p.detail());
    }
    if (guardTripped) differences.add("deletions held back by the max-delete guard");
    boolean identical = differences.isEmpty();
    long pending = index.pendingDeletes().size();
    String verdict =
        identical
            ? "identical to upstream as of "
                + synced
                + (pending > 0
                    ? " (" + pending + " files the upstream removed wait out the grace period)"
                    : "")
            : differences.size() + " difference(s) from upstream";
    double actual = (System.nanoTime() - startNanos) / 1e9;
    return new SyncReport.FinalReport(
        identical,
        verdict,
        differences,
        actual,
        reruns,
        proof.files(),
        proof.bytesHashed(),
        proof.suites().size());
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
      return new ObjectMapper().readTree(plan.get()).get("estimatedSeconds").asDouble();
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      return null;
    }
  }

  private void change(String path, String action) {
    synchronized (changes) {
      if (changes.size() < (finalSync ? Integer.MAX_VALUE : MAX_CHANGES_REPORTED)) {
        changes.add(new SyncReport.Change(path, action));
      } else {
        changesOmitted++;
      }
    }
  }

  private synchronized Map<String, Long> phases() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phaseMillis));
  }

  /** Keeps a summary of the run in the index, for {@code status} and the estimates of a plan. */
  private void recordRun(SyncReport r) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("started", r.started());
    summary.put("finished", r.finished());
    summary.put("upstream", r.upstream());
    summary.put("mode", tree == null ? "apt" : "tree");
    summary.put("exitCode", r.exitCode());
    summary.put("filesFetched", r.filesFetched());
    summary.put("filesFailed", r.filesFailed() + r.filesMissing());
    summary.put("filesDeleted", r.filesDeleted());
    summary.put("bytesFetched", r.bytesFetched());
    summary.put("phaseMillis", r.phaseMillis());
    try (Index.Batch batch = index.batch()) {
      batch.putRun(r.started(), new ObjectMapper().writeValueAsString(summary));
      batch.commit();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a path is written by this instance itself, never mirrored from an upstream. */
  public static boolean ownOutput(String path) {
    return path.startsWith("project/repomirror/") || path.startsWith(TraceFile.DIRECTORY);
  }

  private boolean excludedFromTree(String path) {
    if (path.startsWith("project/repomirror/")
        || path.equals(TraceFile.DIRECTORY + options.hostname())
        || claimed.contains(path)) {
      return true;
    }
    for (String dist : claimedDists) {
      if (path.startsWith(dist)) return true;
    }
    return false;
  }

  private static String version() {
    String v = SyncEngine.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  private record Meta(
      VerifiedRelease verified,
      List<Raw> raw,
      String validatorsUrl,
      UpstreamValidators validators) {}

  /** A Release file fetched into memory: InRelease, Release or Release.gpg. */
  private record Raw(String path, byte[] bytes, Optional<Long> mtimeMillis) {}

  private SyncReport.SuiteReport syncDist(String dist) throws IOException, InterruptedException {
    String base = dist.contains("dists/") ? dist.substring(0, dist.indexOf("dists/")) : "";
    claimedDists.add(dist + "/");
    index.references(dist).ifPresent(claimed::addAll);
    Meta meta;
    long t0 = System.nanoTime();
    try {
      Optional<Meta> fetched = fetchRelease(dist);
      if (fetched.isEmpty()) {
        log.info("{}: unchanged upstream", dist);
        return new SyncReport.SuiteReport(dist, "unchanged", null, 0, 0, 0, 0, 0, List.of(), 0);
      }
      meta = fetched.get();
    } catch (TrustException e) {
      log.error("{}: {}", dist, e.getMessage());
      return new SyncReport.SuiteReport(
          dist, "trust-failure", e.getMessage(), 0, 0, 0, 0, 0, List.of(), 0);
    } catch (FetchException e) {
      return new SyncReport.SuiteReport(
          dist,
          "not-published",
          "cannot fetch the Release: " + e.getMessage(),
          0,
          0,
          0,
          0,
          0,
          List.of(),
          0);
    } finally {
      addPhase("list", t0);
    }
    List<String> signatures =
        meta.verified() == null
            ? List.of("not verified")
            : meta.verified().signatures().stream()
                .map(
                    s ->
                        s.keyId()
                            + " "
                            + s.keyAlgorithm()
                            + "/"
                            + s.digest()
                            + (s.legacy() == null ? "" : " LEGACY: " + s.legacy()))
                .toList();
    ReleaseFile release;
    try {
      release = ReleaseFile.parse(releaseText(meta));
    } catch (TrustException | FormatException e) {
      return new SyncReport.SuiteReport(
          dist,
          "not-published",
          "malformed Release: " + e.getMessage(),
          0,
          0,
          0,
          0,
          0,
          signatures,
          0);
    }
    if (release.validUntil().isPresent() && release.validUntil().get().isBefore(clock.instant())) {
      warnings.add(
          dist
              + ": Valid-Until "
              + release.validUntil().get()
              + " has passed (mirrored anyway: old archives are frozen)");
    }

    // Indexes and everything else the Release lists.
    ReleaseTasks tasks = releaseTasks(dist, release);
    List<FetchTask> metaTasks = tasks.meta();
    List<FetchTask> byHashTasks = tasks.byHash();
    Counters counters = new Counters();
    Map<String, Path> available = new LinkedHashMap<>(); // localPath -> readable copy
    List<FetchOutcome.Fetched> metaFetched = new ArrayList<>();
    List<SyncReport.Failure> blocking = new ArrayList<>();
    for (FetchOutcome o : fetch(metaTasks, counters)) {
      switch (o) {
        case FetchOutcome.Fetched f -> {
          metaFetched.add(f);
          available.put(f.task().localPath(), f.staged());
        }
        case FetchOutcome.Missing m ->
            counters.listedAbsent++; // a listed variant the upstream does not carry
        case FetchOutcome.Failed f -> blocking.add(failure(f));
      }
    }
    Set<String> referenced = new LinkedHashSet<>();
    for (FetchTask reused : counters.reused) {
      available.put(reused.localPath(), root.resolve(reused.localPath()));
    }
    referenced.addAll(available.keySet());
    counters.reused.clear();
    // by-hash objects as the upstream publishes them; an algorithm it has no folder for is a 404.
    List<FetchOutcome.Fetched> byHashFetched = new ArrayList<>();
    for (FetchOutcome o : fetch(dedupe(byHashTasks), counters)) {
      switch (o) {
        case FetchOutcome.Fetched f -> {
          byHashFetched.add(f);
          referenced.add(f.task().localPath());
        }
        case FetchOutcome.Missing m -> counters.listedAbsent++;
        case FetchOutcome.Failed f -> blocking.add(failure(f));
      }
    }
    counters.reused.forEach(t -> referenced.add(t.localPath()));
    counters.reused.clear();

    if (counters.listedAbsent > 0) {
      log.info(
          "{}: {} files the Release lists are not on the upstream (allowed)",
          dist,
          counters.listedAbsent);
    }

    // Pool files, from the Packages and Sources indexes.
    Map<String, FetchTask> pool = new LinkedHashMap<>();
    long tPlan = System.nanoTime();
    try {
      for (String indexPath : IndexVariants.choose(available.keySet())) {
        readIndex(indexPath, available.get(indexPath), base, pool);
      }
    } catch (FormatException e) {
      return new SyncReport.SuiteReport(
          dist,
          "not-published",
          "corrupt index: " + e.getMessage(),
          counters.fetched,
          counters.unchangedCount,
          0,
          0,
          counters.bytes,
          signatures,
          0);
    }
    addPhase("plan", tPlan);
    claimed.addAll(pool.keySet());
    List<FetchOutcome.Fetched> poolFetched = new ArrayList<>();
    List<FetchOutcome.Failed> keptAsIs = new ArrayList<>();
    long missing = 0;
    for (FetchOutcome o : fetch(new ArrayList<>(pool.values()), counters)) {
      switch (o) {
        case FetchOutcome.Fetched f -> {
          poolFetched.add(f);
          referenced.add(f.task().localPath());
        }
        case FetchOutcome.Missing m -> {
          missing++;
          SyncReport.Failure f =
              new SyncReport.Failure(
                  m.task().localPath(),
                  m.url(),
                  m.task().expected().size(),
                  strongest(m.task().expected().hashes()),
                  -1,
                  null,
                  "404 Not Found",
                  "missing");
          failures.add(f);
          blocking.add(f);
        }
        case FetchOutcome.Failed f -> {
          SyncReport.Failure r = failure(f);
          if (f.kept() != null
              && options.transfer().policy() == Transfer.MismatchPolicy.MIRROR_AS_IS
              && f.actualHashes() != null) {
            keptAsIs.add(f);
          } else {
            blocking.add(r);
          }
        }
      }
    }
    counters.reused.forEach(t -> referenced.add(t.localPath()));
    counters.reused.clear();
    keptAsIs.forEach(f -> referenced.add(f.task().localPath()));
    meta.raw().forEach(r -> referenced.add(r.path()));

    // Publish: new content first, then replaced content and metadata together.
    boolean publishMetadata = blocking.size() <= options.allowErrors();
    long tPublish = System.nanoTime();
    List<Publisher.Staged> newContent = new ArrayList<>();
    List<Publisher.Staged> replacedContent = new ArrayList<>();
    List<FileRecord> records = new ArrayList<>();
    long now = clock.millis();
    for (FetchOutcome.Fetched f : poolFetched) {
      (Files.exists(root.resolve(f.task().localPath())) ? replacedContent : newContent)
          .add(staged(f));
      records.add(publishedRecord(f, now));
    }
    for (FetchOutcome.Failed f : keptAsIs) {
      (Files.exists(root.resolve(f.task().localPath())) ? replacedContent : newContent)
          .add(new Publisher.Staged(f.kept(), f.task().localPath()));
      records.add(
          new FileRecord(
              f.task().localPath(),
              f.actualSize(),
              f.mtimeMillis(),
              f.actualHashes(),
              FileState.UPSTREAM_MISMATCH,
              generation,
              now));
    }
    List<Publisher.Staged> metadata = new ArrayList<>();
    for (FetchOutcome.Fetched f : byHashFetched) {
      newContent.add(staged(f));
      records.add(publishedRecord(f, now));
    }
    for (FetchOutcome.Fetched f : metaFetched) {
      metadata.add(staged(f));
      records.add(publishedRecord(f, now));
    }
    for (Raw raw : meta.raw()) {
      Path staged = stageBytes(raw);
      metadata.add(new Publisher.Staged(staged, raw.path()));
      records.add(
          new FileRecord(
              raw.path(),
              raw.bytes().length,
              raw.mtimeMillis().orElse(now),
              hashesOf(raw.bytes()),
              FileState.PUBLISHED,
              generation,
              now));
    }
    Set<String> toPublish = new HashSet<>();
    newContent.forEach(st -> toPublish.add(st.localPath()));
    if (publishMetadata) {
      replacedContent.forEach(st -> toPublish.add(st.localPath()));
      metadata.forEach(st -> toPublish.add(st.localPath()));
    }
    declareIntents(records.stream().filter(r -> toPublish.contains(r.path())).toList());
    publisher.publishContent(newContent);
    if (publishMetadata) {
      publisher.publishContent(replacedContent);
      publisher.publishMetadata(metadata);
    } else {
      for (Publisher.Staged s : metadata) Files.deleteIfExists(s.staged());
      for (Publisher.Staged s : replacedContent) Files.deleteIfExists(s.staged());
    }
    addPhase("publish", tPublish);

    long tIndex = System.nanoTime();
    try (Index.Batch batch = index.batch()) {
      Set<String> published = new LinkedHashSet<>();
      newContent.forEach(s -> published.add(s.localPath()));
      if (publishMetadata) {
        replacedContent.forEach(s -> published.add(s.localPath()));
        metadata.forEach(s -> published.add(s.localPath()));
        batch.putValidators(meta.validatorsUrl(), meta.validators());
        recordReferences(batch, dist, referenced, now);
      }
      for (FileRecord r : records) {
        if (published.contains(r.path())) {
          batch.put(r).deleteIntent(r.path());
          change(r.path(), "fetched");
        }
      }
      batch.commit();
    }
    addPhase("index", tIndex);
    for (FetchOutcome.Failed f : keptAsIs) {
      warnings.add(
          f.task().localPath()
              + ": kept as the upstream serves it, which does not match its index (upstream-mismatch)");
    }
    String outcome = publishMetadata ? "published" : "not-published";
    String reason =
        publishMetadata
            ? null
            : blocking.size() + " file(s) bad or missing; the previous metadata stays published";
    return new SyncReport.SuiteReport(
        dist,
        outcome,
        reason,
        counters.fetched,
        counters.unchangedCount,
        blocking.size() - missing + keptAsIs.size(),
        missing,
        counters.bytes,
        signatures,
        counters.listedAbsent);
  }

  /** The files a Release lists (selected by the filters), and their by-hash copies. */
  private record ReleaseTasks(List<FetchTask> meta, List<FetchTask> byHash) {}

  private ReleaseTasks releaseTasks(String dist, ReleaseFile release) {
    List<FetchTask> metaTasks = new ArrayList<>();
    List<FetchTask> byHashTasks = new ArrayList<>();
    for (ExpectedFile e : release.files()) {
      if (!selected(e.path())) continue;
      String path = dist + "/" + e.path();
      metaTasks.add(new FetchTask(path, path, e));
      if (release.acquireByHash()) {
        String dir = path.substring(0, path.lastIndexOf('/') + 1);
        for (Map.Entry<HashAlgorithm, String> h : e.hashes().values().entrySet()) {
          String byHash = dir + "by-hash/" + h.getKey().byHashDirectory() + "/" + h.getValue();
          byHashTasks.add(new FetchTask(byHash, byHash, e));
        }
      }
    }
    return new ReleaseTasks(metaTasks, byHashTasks);
  }

  /** The Release text: verified, or (without verification) taken out of its armor. */
  private static byte[] releaseText(Meta meta) throws TrustException {
    if (meta.verified() != null) return meta.verified().signedText();
    Raw first = meta.raw().getFirst();
    return first.path().endsWith("/InRelease")
        ? ReleaseVerifier.unverifiedText(first.bytes())
        : first.bytes();
  }

  /**
   * The verified Release of a dist, or empty when the upstream says it has not changed. An
   * InRelease is preferred; a Release and Release.gpg beside it are mirrored too, and checked.
   */
  private Optional<Meta> fetchRelease(String dist) throws IOException, TrustException {
    String inRelease = dist + "/InRelease";
    String inUrl = upstream.url(inRelease);
    Upstream.Body inBody = null;
    try {
      Upstream.Conditional c =
          upstream.fetch(inRelease, previousValidators(inUrl, inRelease), MAX_RELEASE_BYTES);
      if (c instanceof Upstream.NotModified) return Optional.empty();
      inBody = (Upstream.Body) c;
    } catch (FetchException e) {
      if (e.kind() != FetchException.Kind.NOT_FOUND) throw e;
    }
    String releasePath = dist + "/Release";
    String releaseUrl = upstream.url(releasePath);
    Optional<Upstream.Body> release;
    if (inBody == null) {
      Upstream.Conditional c =
          upstream.fetch(
              releasePath, previousValidators(releaseUrl, releasePath), MAX_RELEASE_BYTES);
      if (c instanceof Upstream.NotModified) return Optional.empty();
      release = Optional.of((Upstream.Body) c);
    } else {
      release = fetchIfPresent(releasePath);
    }
    Optional<Upstream.Body> gpg =
        release.isPresent() ? fetchIfPresent(dist + "/Release.gpg") : Optional.empty();
    List<Raw> raw = new ArrayList<>();
    VerifiedRelease verified = null;
    if (release.isPresent()) {
      raw.add(new Raw(releasePath, release.get().bytes(), release.get().lastModifiedMillis()));
      if (gpg.isPresent()) {
        raw.add(new Raw(dist + "/Release.gpg", gpg.get().bytes(), gpg.get().lastModifiedMillis()));
        if (verifier != null)
          verified = verifier.verifyDetached(release.get().bytes(), gpg.get().bytes());
      } else if (verifier != null && inBody == null) {
        throw new TrustException(
            "neither InRelease nor Release.gpg exists: the Release is unsigned");
      }
    }
    if (inBody != null) {
      raw.addFirst(new Raw(inRelease, inBody.bytes(), inBody.lastModifiedMillis()));
      if (verifier != null) verified = verifier.verifyClearSigned(inBody.bytes());
      return Optional.of(new Meta(verified, raw, inUrl, inBody.validators()));
    }
    return Optional.of(new Meta(verified, raw, releaseUrl, release.get().validators()));
  }

  private Optional<Upstream.Body> fetchIfPresent(String path) throws IOException {
    try {
      return Optional.of((Upstream.Body) upstream.fetch(path, null, MAX_RELEASE_BYTES));
    } catch (FetchException e) {
      if (e.kind() == FetchException.Kind.NOT_FOUND) return Optional.empty();
      throw e;
    }
  }

  /** Validators for a conditional request, only when our published copy is still there. */
  private UpstreamValidators previousValidators(String url, String localPath) {
    if (!Files.exists(root.resolve(localPath))) return null;
    return index.validators(url).orElse(null);
  }

  private final class Counters {
    long fetched;
    long unchangedCount;
    long bytes;
    long listedAbsent;
    final List<FetchTask> reused = new ArrayList<>();
  }

  private List<FetchOutcome> fetch(List<FetchTask> tasks, Counters counters)
      throws IOException, InterruptedException {
    long t = System.nanoTime();
    SyncPlan plan = SyncPlanner.plan(tasks, index::file, this::diskSize);
    addPhase("plan", t);
    counters.unchangedCount += plan.reuse().size();
    counters.reused.addAll(plan.reuse());
    long t2 = System.nanoTime();
    progress.planned(plan.fetch().size(), plan.fetchBytes());
    List<FetchOutcome> outcomes =
        transfer.fetchAll(
            plan.fetch(),
            o -> {
              long bytes = o instanceof FetchOutcome.Fetched f ? f.bytesTransferred() : 0;
              bytesFetched.addAndGet(bytes);
              progress.done(1, bytes);
            });
    addPhase("transfer", t2);
    for (FetchOutcome o : outcomes) {
      if (o instanceof FetchOutcome.Fetched f) {
        counters.fetched++;
        counters.bytes += f.bytesTransferred();
      }
    }
    return outcomes;
  }

  private long diskSize(String path) {
    try {
      return Files.size(root.resolve(path));
    } catch (IOException e) {
      return -1;
    }
  }

  private boolean selected(String releasePath) {
    String[] parts = releasePath.split("/");
    if (parts.length > 1
        && !options.components().isEmpty()
        && !options.components().contains(parts[0])) {
      return false;
    }
    for (String p : parts) {
      if (p.startsWith("binary-")) {
        String arch = p.substring("binary-".length());
        return options.binaries()
            && (options.architectures().isEmpty()
                || options.architectures().contains(arch)
                || arch.equals("all"));
      }
      if (p.equals("source")) return options.sources();
    }
    return true;
  }

  private void readIndex(String indexPath, Path file, String base, Map<String, FetchTask> pool)
      throws IOException {
    Compression c = Compression.ofFileName(indexPath);
    String name = Compression.stripExtension(indexPath);
    try (InputStream in = c.open(Files.newInputStream(file))) {
      if (name.endsWith("/Packages")) {
        try (PackagesIndex packages = new PackagesIndex(in)) {
          for (Optional<ExpectedFile> f = packages.next(); f.isPresent(); f = packages.next()) {
            add(pool, base, f.get());
          }
        }
      } else {
        try (SourcesIndex sources = new SourcesIndex(in)) {
          for (Optional<List<ExpectedFile>> files = sources.next();
              files.isPresent();
              files = sources.next()) {
            for (ExpectedFile f : files.get()) add(pool, base, f);
          }
        }
      }
    } catch (FormatException e) {
      throw new FormatException(indexPath + ": " + e.getMessage(), 0);
    }
  }

  private static void add(Map<String, FetchTask> pool, String base, ExpectedFile f) {
    String path = base + f.path();
    pool.putIfAbsent(path, new FetchTask(path, path, new ExpectedFile(path, f.size(), f.hashes())));
  }

  /**
   * Records what a just-published suite references, and marks for deletion what it referenced
   * before but no suite references now. The files stay for the grace period: clients holding the
   * old metadata may still ask for them.
   */
  private void recordReferences(Index.Batch batch, String dist, Set<String> now, long nowMillis) {
    Set<String> before = index.references(dist).orElse(Set.of());
    Set<String> elsewhere = new java.util.HashSet<>();
    for (String other : index.suites()) {
      if (!other.equals(dist)) index.references(other).ifPresent(elsewhere::addAll);
    }
    Map<String, Long> pending = index.pendingDeletes();
    for (String path : before) {
      if (!now.contains(path) && !elsewhere.contains(path) && !pending.containsKey(path)) {
        batch.markForDeletion(path, nowMillis);
      }
    }
    for (String path : now) {
      if (pending.containsKey(path)) batch.unmarkForDeletion(path);
    }
    batch.putReferences(dist, now);
  }

  /**
   * Deletes files whose grace period is over, unless more are due than max-delete allows: then a
   * broken upstream is the likelier cause, nothing is deleted, and the run reports it.
   *
   * @return whether the max-delete guard stopped the deletions
   */
  private boolean sweepDeletions() throws IOException {
    Map<String, Long> pending = index.pendingDeletes();
    if (pending.isEmpty()) {
      return false; // the usual case: no need to read every suite's references
    }
    long now = clock.millis();
    long grace = options.deleteGrace().toMillis();
    Set<String> referenced = new java.util.HashSet<>();
    for (String suite : index.suites()) index.references(suite).ifPresent(referenced::addAll);
    List<String> due = new ArrayList<>();
    try (Index.Batch batch = index.batch()) {
      for (Map.Entry<String, Long> e : pending.entrySet()) {
        if (referenced.contains(e.getKey())) {
          batch.unmarkForDeletion(e.getKey());
        } else if (e.getValue() + grace <= now) {
          due.add(e.getKey());
        }
      }
      if (due.size() > options.maxDelete()) {
        warnings.add(
            due.size()
                + " files are due for deletion, more than max-delete ("
                + options.maxDelete()
                + "); nothing was deleted. Check the upstream, then raise --max-delete.");
        batch.commit();
        return true;
      }
      for (String path : due) {
        Files.deleteIfExists(root.resolve(path));
        batch.delete(path).unmarkForDeletion(path);
        change(path, "deleted");
      }
      batch.commit();
    }
    deleted = due.size();
    return false;
  }

  /** Removes staged files a crashed run left; partial downloads ({@code .part}) stay to resume. */
  private void cleanStaging() throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(staging)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        if (!p.getFileName().toString().endsWith(".part")) Files.deleteIfExists(p);
      }
    }
  }

  /** The index record of a fetched and verified file: every checksum known, published. */
  private FileRecord publishedRecord(FetchOutcome.Fetched f, long now) {
    return new FileRecord(
        f.task().localPath(),
        f.task().expected().size(),
        f.mtimeMillis(),
        f.hashes().merge(f.task().expected().hashes()),
        FileState.PUBLISHED,
        generation,
        now);
  }

  private static Publisher.Staged staged(FetchOutcome.Fetched f) {
    return new Publisher.Staged(f.staged(), f.task().localPath());
  }

  /** Tasks with distinct local paths (two indexes with equal content share a by-hash object). */
  private static List<FetchTask> dedupe(List<FetchTask> tasks) {
    Map<String, FetchTask> unique = new LinkedHashMap<>();
    for (FetchTask t : tasks) unique.putIfAbsent(t.localPath(), t);
    return new ArrayList<>(unique.values());
  }

  private Path stageBytes(Raw raw) throws IOException {
    Path staged = staging.resolve(raw.path());
    Files.createDirectories(staged.getParent());
    try (var out =
        java.nio.channels.FileChannel.open(
            staged,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
            java.nio.file.StandardOpenOption.WRITE)) {
      out.write(java.nio.ByteBuffer.wrap(raw.bytes()));
      out.force(true);
    }
    if (raw.mtimeMillis().isPresent()) {
      Files.setLastModifiedTime(staged, FileTime.fromMillis(raw.mtimeMillis().get()));
    }
    return staged;
  }

  private static Hashes hashesOf(byte[] bytes) {
    return Hashes.of(
        HashAlgorithm.SHA256,
        java.util.HexFormat.of().formatHex(HashAlgorithm.SHA256.newDigest().digest(bytes)));
  }

  private SyncReport.Failure failure(FetchOutcome.Failed f) {
    SyncReport.Failure r =
        new SyncReport.Failure(
            f.task().localPath(),
            f.url(),
            f.task().expected().size(),
            strongest(f.task().expected().hashes()),
            f.actualSize(),
            actualHash(f),
            f.reason(),
            f.action());
    failures.add(r);
    return r;
  }

  /** The received bytes' checksum in the algorithm the index gave, so the two compare. */
  private static String actualHash(FetchOutcome.Failed f) {
    if (f.actualHashes() == null) return null;
    HashAlgorithm a = f.task().expected().hashes().strongest();
    return a + ":" + f.actualHashes().get(a).orElse("?");
  }

  private static String strongest(Hashes h) {
    HashAlgorithm a = h.strongest();
    return a + ":" + h.get(a).orElse("");
  }

  /** Adds a phase's time since {@code startNanos}; tree listing and transfer add concurrently. */
  private synchronized void addPhase(String phase, long startNanos) {
    phaseMillis.merge(phase, (System.nanoTime() - startNanos) / 1_000_000, Long::sum);
  }
}
