package org.repomirror.tree;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.repomirror.apt.Dists;
import org.repomirror.apt.PoolIndexReader;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.IndexVariants;
import org.repomirror.fs.FileTimes;
import org.repomirror.index.FileRecord;
import org.repomirror.publish.FileRecords;
import org.repomirror.publish.Publication;
import org.repomirror.run.Causes;
import org.repomirror.run.Change;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.Failures;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.format.TreeEntry;

/**
 * The files of a tree pass, fetched and published a chunk at a time. Two chunks' files are out at
 * once, and a chunk's content is renamed into place on a thread of its own while the next ones are
 * fetched, one chunk at most being published (the apt pool's {@link ChunkPublishing} takes single
 * files instead, as its transfer is not cut into chunks). Links follow once the listing is done,
 * and files under a {@code dists/} folder last, only when nothing failed and no index among them
 * references a file the upstream refused. An entry the listing shows but the upstream refuses (404,
 * 403, 410) is reported, and holds back nothing else. Not thread-safe, except {@link #skip}, which
 * the lister's threads call; closing waits for the chunk in flight.
 */
final class TreeChunks implements AutoCloseable {
  static final int CHUNK = 1000;

  /** Chunks whose files are out at once. */
  private static final int FETCHING = 2;

  private static final int MAX_NOT_MIRRORED_REPORTED = 10_000;

  private final TreePass.Parts parts;
  private final Transfer.Session session;
  private final Publication deferred = new Publication();
  private final List<String> deferredPaths = new ArrayList<>();
  private final Map<String, java.nio.file.Path> deferredFiles = new LinkedHashMap<>();
  private final List<TreeEntry> links = new ArrayList<>();
  private final Set<String> refused = new HashSet<>();
  private final List<NotMirrored> notMirrored = new ArrayList<>();
  private final AtomicLong notMirroredOmitted = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final ArrayDeque<Fetching> fetching = new ArrayDeque<>();
  private Fetching filling = Fetching.empty();
  private ExecutorService publishing;
  private Future<Void> inFlight;
  private long fetched;
  private long failed;
  private long linksMade;
  private long bytes;

  TreeChunks(TreePass.Parts parts, Transfer.Session session) {
    this.parts = parts;
    this.session = session;
  }

  /** Hears of an entry the listing leaves out by rule; called from the lister's threads. */
  void skip(String path, String reason) {
    skipped.incrementAndGet();
    notMirrored(path, reason);
  }

  void link(TreeEntry e) {
    links.add(e);
  }

  /**
   * Sends a file out at once, into the chunk being filled. A full chunk is closed, and the oldest
   * is published once {@value #FETCHING} are closed: the files go out as the listing finds them,
   * and the next chunk's while the last of one come in, so that the connections (or rsync's runs)
   * wait neither for a chunk to fill nor for its slowest file.
   */
  void fetch(TreePass.Fetch f) throws IOException, InterruptedException {
    Fetching open = filling;
    Future<FetchOutcome> file = session.submit(f.task(), o -> open.outcomes().put(o.task(), o));
    open.chunk().add(f);
    open.files().add(file);
    if (open.chunk().size() < CHUNK) return;
    fetching.addLast(open);
    filling = Fetching.empty();
    while (fetching.size() >= FETCHING) publishOldest();
  }

  /** The listing is over: the plan is complete, and every chunk still out is published. */
  void finishFetching() throws IOException, InterruptedException {
    parts.progress().planComplete();
    if (!filling.chunk().isEmpty()) fetching.addLast(filling);
    filling = Fetching.empty();
    while (!fetching.isEmpty()) publishOldest();
    try (Ledger.Timing t = parts.ledger().time(Phase.TRANSFER)) {
      session.finish();
    }
  }

  /** Waits for the oldest chunk out, then hands it to the publishing thread. */
  private void publishOldest() throws IOException, InterruptedException {
    Fetching c = fetching.removeFirst();
    try (Ledger.Timing t = parts.ledger().time(Phase.TRANSFER)) {
      session.await(c.files());
    }
    Publication now = new Publication();
    for (TreePass.Fetch f : c.chunk()) take(c.outcomes().get(f.task()), f, now);
    awaitPublished();
    inFlight = publishing().submit(() -> publish(now));
  }

  /** On the publishing thread: one chunk's renames into place and its records. */
  private Void publish(Publication chunk) throws IOException {
    try (Ledger.Timing t = parts.ledger().time(Phase.PUBLISH)) {
      chunk.carryOut(parts.index(), parts.published());
    }
    chunk.records().forEach(r -> parts.ledger().changed(r.path(), Change.Action.FETCHED));
    return null;
  }

  private ExecutorService publishing() {
    if (publishing == null) {
      publishing =
          Executors.newSingleThreadExecutor(
              Thread.ofPlatform().name("tree-publish").daemon().factory());
    }
    return publishing;
  }

  /**
   * Waits until the chunk being published is in place, and throws what failed it. Waits even when
   * interrupted (a chunk takes well under a second), so that nothing writes after the pass ends.
   */
  void awaitPublished() throws IOException {
    Future<Void> f = inFlight;
    if (f == null) return;
    inFlight = null;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          f.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw Causes.ofTask(e);
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /** Waits for the chunk in flight, then stops the publishing thread. */
  @Override
  public void close() throws IOException {
    try {
      awaitPublished();
    } finally {
      if (publishing != null) publishing.shutdown();
    }
  }

  /** A chunk whose files are out: the files, their outcomes as they come, and the futures. */
  private record Fetching(
      List<TreePass.Fetch> chunk,
      Map<FetchTask, FetchOutcome> outcomes,
      List<Future<FetchOutcome>> files) {
    static Fetching empty() {
      return new Fetching(
          new ArrayList<>(CHUNK), new ConcurrentHashMap<>(), new ArrayList<>(CHUNK));
    }
  }

  private void take(FetchOutcome outcome, TreePass.Fetch fetch, Publication now)
      throws IOException {
    switch (outcome) {
      case FetchOutcome.Fetched f -> {
        long mtime = fetch.mtimeMillis() >= 0 ? fetch.mtimeMillis() : f.mtimeMillis();
        if (mtime != f.mtimeMillis()) FileTimes.set(f.staged(), mtime);
        String path = f.task().localPath();
        FileRecord r = FileRecords.fetched(f, mtime, parts.run());
        PublishedTree.Staged s = new PublishedTree.Staged(f.staged(), path);
        if (Dists.isMetadata(path)) {
          deferred.metadata(s, r);
          deferredPaths.add(path);
          deferredFiles.put(path, f.staged());
        } else {
          now.content(s, r);
        }
        fetched++;
        bytes += f.bytesTransferred();
      }
      case FetchOutcome.Missing m ->
          refuse(m.task().localPath(), Failures.status(m.status(), "not found"));
      case FetchOutcome.Refused r ->
          refuse(r.task().localPath(), Failures.status(r.status(), r.reason()));
      case FetchOutcome.Failed f -> {
        failed++;
        if (f.kept() != null && !f.quarantined()) parts.published().discard(f.kept());
        parts.ledger().fail(Ledger.Scope.TREE, Failures.of(f, session.policy()));
      }
    }
  }

  /**
   * The listing showed it, the upstream will not serve it: a dangling link, a file gone or locked.
   */
  private void refuse(String path, String status) {
    refused.add(path);
    notMirrored(path, "listed, then refused by the upstream (" + status + ")");
  }

  private void notMirrored(String path, String reason) {
    synchronized (notMirrored) {
      if (notMirrored.size() < MAX_NOT_MIRRORED_REPORTED) {
        notMirrored.add(new NotMirrored(path, reason));
      } else {
        notMirroredOmitted.incrementAndGet();
      }
    }
  }

  /** Creates each link beside its path and renames it into place, so that it appears whole. */
  void publishLinks() throws IOException {
    if (links.isEmpty()) return;
    Publication p = new Publication();
    for (TreeEntry e : links) {
      p.link(
          new PublishedTree.Link(e.path(), e.linkTarget(), e.mtimeMillis()),
          FileRecords.link(e.path(), e.linkTarget(), e.mtimeMillis(), parts.run()));
    }
    p.carryOut(parts.index(), parts.published());
    linksMade = links.size();
    p.records().forEach(r -> parts.ledger().changed(r.path(), Change.Action.FETCHED));
  }

  /**
   * Publishes the files under {@code dists/} folders, last: only after a complete listing with no
   * failures, and when none of their indexes references a file the upstream refused.
   */
  void publishDeferredMetadata(boolean listingComplete) throws IOException {
    if (deferredPaths.isEmpty()) return;
    String holdBack =
        !listingComplete
            ? "the listing failed"
            : failed > 0 ? "the tree pass had failures" : refusedReference();
    if (holdBack == null) {
      try (Ledger.Timing t = parts.ledger().time(Phase.PUBLISH)) {
        deferred.carryOut(parts.index(), parts.published());
      }
      deferred.records().forEach(r -> parts.ledger().changed(r.path(), Change.Action.FETCHED));
      return;
    }
    deferred.discard(parts.published());
    parts
        .ledger()
        .warn(
            deferredPaths.size()
                + " changed files under dists/ were not published: "
                + holdBack
                + "; the old indexes stay consistent with the old pool");
  }

  /** Why the deferred indexes must wait: one of them lists a refused file; null when none does. */
  private String refusedReference() throws IOException {
    if (refused.isEmpty()) return null;
    for (String path : IndexVariants.choose(deferredPaths)) {
      String[] found = {null};
      try (InputStream in = Files.newInputStream(deferredFiles.get(path))) {
        PoolIndexReader.read(
            path,
            in,
            Dists.base(path),
            f -> {
              if (found[0] == null && refused.contains(f.path())) found[0] = f.path();
            });
      } catch (FormatException e) {
        return path + " cannot be read (" + e.getMessage() + ")";
      }
      if (found[0] != null) return path + " lists " + found[0] + ", which the upstream refused";
    }
    return null;
  }

  long failed() {
    return failed;
  }

  long skipped() {
    return skipped.get();
  }

  List<NotMirrored> notMirrored() {
    synchronized (notMirrored) {
      return List.copyOf(notMirrored);
    }
  }

  TreeResult report(
      TreeLister lister,
      TreeOutcome outcome,
      String reason,
      long listed,
      long unchanged,
      long marked) {
    return new TreeResult(
        new TreeResult.Source(lister.source(), verification(lister)),
        outcome,
        reason,
        new TreeResult.Seen(listed, unchanged, skipped.get(), marked),
        new TreeResult.Moved(fetched, failed, linksMade, bytes),
        new TreeResult.Unmirrored(notMirrored(), notMirroredOmitted.get()));
  }

  static String verification(TreeLister lister) {
    return lister.verification().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
