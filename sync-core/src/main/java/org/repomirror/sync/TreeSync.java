package org.repomirror.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.index.Index;
import org.repomirror.publish.Publisher;
import org.repomirror.report.Progress;
import org.repomirror.report.SyncReport;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.TreeEntry;
import org.repomirror.tree.TreeLister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tree pass of a sync: mirrors every file under the upstream root that no apt suite of the run
 * covers. The listing streams into a bounded queue while earlier changes are fetched, verified (by
 * the manifest's SHA-256, or by size) and published in chunks, each committed to the index, so
 * memory stays flat and an interrupted run keeps what it finished. Files under a {@code dists/}
 * folder are published last, Release files at the very end, as in apt mode. Paths the listing no
 * longer has are marked for deletion, but only after a complete listing.
 */
final class TreeSync {
  private static final Logger log = LoggerFactory.getLogger(TreeSync.class);
  private static final int CHUNK = 1000;
  private static final int MAX_SKIPS_REPORTED = 100;
  private static final int PROBE_FILES = 8;
  private static final Object END = new Object();

  private final Path root;
  private final Path staging;
  private final TreeLister lister;
  private final Index index;
  private final Transfer transfer;
  private final Publisher publisher;
  private final Progress progress;
  private final Predicate<String> excluded;
  private final long generation;
  private final long now;
  private final List<SyncReport.Failure> failures;
  private final List<String> warnings;
  private final Consumer<List<FileRecord>> intents;
  private final BiConsumer<String, String> changes;
  private final ObjLongConsumer<String> phases;
  private final boolean dryRun;

  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Object> work = new ArrayBlockingQueue<>(4 * CHUNK);
  private final AtomicLong listed = new AtomicLong();
  private final AtomicLong unchanged = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final List<Publisher.Staged> deferredMetadata = new ArrayList<>();
  private final List<FileRecord> deferredRecords = new ArrayList<>();
  private final AtomicLong plannedFiles = new AtomicLong();
  private final AtomicLong plannedBytes = new AtomicLong();
  private final List<FetchTask> probeCandidates = new ArrayList<>();
  private long fetched;
  private long failed;
  private long links;
  private long bytes;

  /** A file to fetch, and the mtime to give it (or -1 to keep the upstream's Last-Modified). */
  private record Fetch(FetchTask task, long mtimeMillis) {}

  TreeSync(
      Path root,
      TreeLister lister,
      Index index,
      Transfer transfer,
      Publisher publisher,
      Progress progress,
      Predicate<String> excluded,
      long generation,
      long now,
      List<SyncReport.Failure> failures,
      List<String> warnings,
      Consumer<List<FileRecord>> intents,
      BiConsumer<String, String> changes,
      ObjLongConsumer<String> phases,
      boolean dryRun) {
    this.intents = intents;
    this.changes = changes;
    this.phases = phases;
    this.dryRun = dryRun;
    this.root = root;
    this.staging = root.resolve(".repomirror/staging");
    this.lister = lister;
    this.index = index;
    this.transfer = transfer;
    this.publisher = publisher;
    this.progress = progress;
    this.excluded = excluded;
    this.generation = generation;
    this.now = now;
    this.failures = failures;
    this.warnings = warnings;
  }

  /**
   * Lists, fetches, publishes and marks deletions.
   *
   * @param keep paths apt suites reference: never marked for deletion here
   */
  SyncReport.TreeReport run(Set<String> keep) throws IOException, InterruptedException {
    if (dryRun) return plan(keep);
    AtomicReference<Throwable> listingError = new AtomicReference<>();
    AtomicReference<TreeLister.Result> result = new AtomicReference<>();
    Thread listing =
        Thread.ofPlatform()
            .name("tree-list")
            .daemon()
            .start(
                () -> {
                  long t = System.nanoTime();
                  try {
                    result.set(lister.list(index, this::consider, this::skip));
                  } catch (Throwable e) {
                    listingError.set(e);
                  } finally {
                    phases.accept("list", t);
                    putUninterruptibly(END);
                  }
                });
    List<Fetch> chunk = new ArrayList<>(CHUNK);
    List<TreeEntry> linksToMake = new ArrayList<>();
    try {
      for (Object w = work.take(); w != END; w = work.take()) {
        if (w instanceof TreeEntry link) {
          linksToMake.add(link);
        } else {
          chunk.add((Fetch) w);
          if (chunk.size() >= CHUNK) {
            fetchAndPublish(chunk);
            chunk.clear();
          }
        }
      }
    } finally {
      if (listing.isAlive()) listing.interrupt();
    }
    listing.join();
    fetchAndPublish(chunk);
    makeLinks(linksToMake);
    if (failed == 0 && listingError.get() == null) {
      long t = System.nanoTime();
      intents.accept(deferredRecords);
      publisher.publishMetadata(deferredMetadata);
      try (Index.Batch batch = index.batch()) {
        deferredRecords.forEach(r -> batch.put(r).deleteIntent(r.path()));
        batch.commit();
      }
      deferredRecords.forEach(r -> changes.accept(r.path(), "fetched"));
      phases.accept("publish", t);
    } else if (!deferredMetadata.isEmpty()) {
      for (Publisher.Staged m : deferredMetadata) Files.deleteIfExists(m.staged());
      warnings.add(
          deferredMetadata.size()
              + " changed files under dists/ were not published: the tree pass had failures, and"
              + " the old indexes stay consistent with the old pool");
    }

    String outcome;
    String reason = null;
    long marked = 0;
    if (listingError.get() != null) {
      Throwable t = listingError.get();
      outcome = "listing-failed";
      reason = t.getMessage() != null ? t.getMessage() : t.toString();
      log.error("tree listing failed, nothing will be deleted: {}", reason);
    } else if (result.get() == TreeLister.Result.UNCHANGED) {
      outcome = "unchanged";
    } else {
      marked = markDeletions(keep);
      outcome = failed == 0 ? "mirrored" : "mirrored-with-failures";
    }
    return new SyncReport.TreeReport(
        lister.source(),
        lister.verification().name().toLowerCase().replace('_', '-'),
        outcome,
        reason,
        listed.get(),
        fetched,
        unchanged.get(),
        failed,
        links,
        marked,
        skipped.get(),
        bytes);
  }

  /** Called by the lister's threads for each entry. */
  private void consider(TreeEntry e) {
    if (excluded.test(e.path())) return;
    seen.add(e.path());
    listed.incrementAndGet();
    Optional<FileRecord> known = index.file(e.path());
    if (e.type() == TreeEntry.Type.SYMLINK) {
      if (known.isPresent()
          && e.linkTarget().equals(known.get().linkTarget())
          && e.linkTarget().equals(diskLinkTarget(e.path()))) {
        unchanged.incrementAndGet();
      } else {
        want(e, null);
      }
    } else if (known.isPresent() && current(e, known.get())) {
      unchanged.incrementAndGet();
    } else {
      Hashes hashes = e.sha256() == null ? null : Hashes.of(HashAlgorithm.SHA256, e.sha256());
      FetchTask task =
          new FetchTask(e.path(), e.path(), new ExpectedFile(e.path(), e.size(), hashes));
      want(e, new Fetch(task, e.mtimePrecisionMillis() == 1 ? e.mtimeMillis() : -1));
    }
  }

  /** Queues a link (fetch null) or a file to fetch; in a dry run, only counts it. */
  private void want(TreeEntry e, Fetch fetch) {
    if (!dryRun) {
      putUninterruptibly(fetch != null ? fetch : e);
      return;
    }
    plannedFiles.incrementAndGet();
    plannedBytes.addAndGet(Math.max(0, e.size()));
    if (fetch != null && probeCandidates.size() < PROBE_FILES) {
      synchronized (probeCandidates) {
        if (probeCandidates.size() < PROBE_FILES) probeCandidates.add(fetch.task());
      }
    }
  }

  /** A dry run: what the tree pass would fetch and mark for deletion, nothing written. */
  private SyncReport.TreeReport plan(Set<String> keep) throws IOException, InterruptedException {
    TreeLister.Result result = lister.list(index, this::consider, this::skip);
    long toDelete = 0;
    if (result == TreeLister.Result.LISTED) {
      long[] n = {0};
      index.forEachPath(
          "",
          p -> {
            if (!seen.contains(p) && !excluded.test(p) && !keep.contains(p)) n[0]++;
          });
      toDelete = n[0];
    }
    return new SyncReport.TreeReport(
        lister.source(),
        lister.verification().name().toLowerCase().replace('_', '-'),
        result == TreeLister.Result.UNCHANGED ? "unchanged" : "planned",
        null,
        listed.get(),
        plannedFiles.get(),
        unchanged.get(),
        0,
        0,
        toDelete,
        skipped.get(),
        plannedBytes.get());
  }

  /** A few of the files a dry run would fetch, to measure the upstream with when no run has. */
  List<FetchTask> probeCandidates() {
    return List.copyOf(probeCandidates);
  }

  private void skip(String path, String reason) {
    if (skipped.incrementAndGet() <= MAX_SKIPS_REPORTED) {
      synchronized (warnings) {
        warnings.add(path + ": not mirrored: " + reason);
      }
    }
  }

  /**
   * Whether the mirror's copy is the listed file: the index holds it as published with the listed
   * size, mtime (to the listing's precision) and SHA-256 when the listing has one, and the disk
   * still holds a regular file of that size and mtime.
   */
  private boolean current(TreeEntry e, FileRecord r) {
    if (r.state() != FileState.PUBLISHED || r.isLink()) return false;
    if (e.size() < 0 && e.mtimeMillis() < 0) return false;
    if (e.size() >= 0 && e.size() != r.size()) return false;
    if (e.mtimeMillis() >= 0
        && !(r.mtimeMillis() >= e.mtimeMillis()
            && r.mtimeMillis() < e.mtimeMillis() + e.mtimePrecisionMillis())) {
      return false;
    }
    if (e.sha256() != null && !e.sha256().equals(r.hashes().get(HashAlgorithm.SHA256).orElse(""))) {
      return false;
    }
    try {
      BasicFileAttributes a =
          Files.readAttributes(
              root.resolve(e.path()), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile()
          && a.size() == r.size()
          && a.lastModifiedTime().toMillis() == r.mtimeMillis();
    } catch (IOException notThere) {
      return false;
    }
  }

  private String diskLinkTarget(String path) {
    try {
      return Files.readSymbolicLink(root.resolve(path)).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  private void fetchAndPublish(List<Fetch> chunk) throws IOException, InterruptedException {
    if (chunk.isEmpty()) return;
    List<FetchTask> tasks = chunk.stream().map(Fetch::task).toList();
    progress.planned(
        tasks.size(), tasks.stream().mapToLong(t -> Math.max(0, t.expected().size())).sum());
    long tTransfer = System.nanoTime();
    List<FetchOutcome> outcomes =
        transfer.fetchAll(
            tasks,
            o -> progress.done(1, o instanceof FetchOutcome.Fetched f ? f.bytesTransferred() : 0));
    phases.accept("transfer", tTransfer);
    long tPublish = System.nanoTime();
    List<Publisher.Staged> content = new ArrayList<>();
    List<FileRecord> records = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      switch (outcomes.get(i)) {
        case FetchOutcome.Fetched f -> {
          long mtime =
              chunk.get(i).mtimeMillis() >= 0 ? chunk.get(i).mtimeMillis() : f.mtimeMillis();
          Files.setLastModifiedTime(f.staged(), FileTime.fromMillis(mtime));
          FileRecord r =
              new FileRecord(
                  f.task().localPath(),
                  Files.size(f.staged()),
                  mtime,
                  f.hashes(),
                  FileState.PUBLISHED,
                  generation,
                  now);
          Publisher.Staged s = new Publisher.Staged(f.staged(), f.task().localPath());
          if (isMetadata(f.task().localPath())) {
            deferredMetadata.add(s);
            deferredRecords.add(r);
          } else {
            content.add(s);
            records.add(r);
          }
          fetched++;
          bytes += f.bytesTransferred();
        }
        case FetchOutcome.Missing m -> {
          failed++;
          failure(m.task(), m.url(), -1, "listed, then 404 Not Found", "missing");
        }
        case FetchOutcome.Failed f -> {
          failed++;
          if (f.kept() != null && f.kept().startsWith(staging)) {
            Files.deleteIfExists(f.kept()); // mirror-as-is has no index to disagree with here
          }
          failure(f.task(), f.url(), f.actualSize(), f.reason(), f.action());
        }
      }
    }
    intents.accept(records);
    publisher.publishContent(content);
    try (Index.Batch batch = index.batch()) {
      records.forEach(r -> batch.put(r).deleteIntent(r.path()));
      batch.commit();
    }
    records.forEach(r -> changes.accept(r.path(), "fetched"));
    phases.accept("publish", tPublish);
  }

  private void failure(FetchTask t, String url, long actualSize, String reason, String action) {
    Hashes h = t.expected().hashes();
    synchronized (failures) {
      failures.add(
          new SyncReport.Failure(
              t.localPath(),
              url,
              t.expected().size(),
              h == null ? null : h.strongest() + ":" + h.get(h.strongest()).orElse(""),
              actualSize,
              null,
              reason,
              action));
    }
  }

  /** Creates each link beside its path and renames it into place, so it appears whole. */
  private void makeLinks(List<TreeEntry> entries) throws IOException {
    if (entries.isEmpty()) return;
    List<FileRecord> records = new ArrayList<>();
    for (TreeEntry e : entries) {
      byte[] t = e.linkTarget().getBytes(StandardCharsets.UTF_8);
      records.add(
          new FileRecord(
              e.path(),
              t.length,
              Math.max(0, e.mtimeMillis()),
              Hashes.of(
                  HashAlgorithm.SHA256,
                  HexFormat.of().formatHex(HashAlgorithm.SHA256.newDigest().digest(t))),
              FileState.PUBLISHED,
              generation,
              now,
              e.linkTarget()));
    }
    intents.accept(records);
    for (TreeEntry e : entries) {
      Path target = root.resolve(e.path());
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(".repomirror-link." + target.getFileName());
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, Path.of(e.linkTarget()));
      if (e.mtimeMillis() >= 0) {
        Files.getFileAttributeView(tmp, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(FileTime.fromMillis(e.mtimeMillis()), null, null);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      links++;
    }
    try (Index.Batch batch = index.batch()) {
      records.forEach(r -> batch.put(r).deleteIntent(r.path()));
      batch.commit();
    }
    entries.forEach(e -> changes.accept(e.path(), "fetched"));
  }

  /**
   * Marks for deletion every indexed path in the tree's scope that the listing no longer has, and
   * forgets pending deletions of paths it has again.
   */
  private long markDeletions(Set<String> keep) {
    Map<String, Long> pending = index.pendingDeletes();
    long[] marked = {0};
    try (Index.Batch batch = index.batch()) {
      index.forEachPath(
          "",
          p -> {
            if (seen.contains(p) || excluded.test(p) || keep.contains(p)) return;
            if (!pending.containsKey(p)) {
              batch.markForDeletion(p, now);
              marked[0]++;
            }
          });
      for (String p : pending.keySet()) {
        if (seen.contains(p)) batch.unmarkForDeletion(p);
      }
      if (failed == 0) lister.commitValidators(batch);
      batch.commit();
    }
    return marked[0];
  }

  /** Whether a path is apt metadata, to be published after the content it may reference. */
  static boolean isMetadata(String path) {
    return path.startsWith("dists/") || path.contains("/dists/");
  }

  private void putUninterruptibly(Object item) {
    try {
      work.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while listing", e));
    }
  }
}
