package org.repomirror.sync;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.plan.Wanted;
import org.repomirror.publish.Publication;
import org.repomirror.publish.Publisher;
import org.repomirror.report.SyncReport;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;

/**
 * Fetches the pool files of a plan in chunks, and publishes each chunk's new paths as soon as they
 * are verified: nothing published references them yet, and a crash then keeps them (the rest of a
 * chunk stays verified in staging, and is reused). Replacements of files that published metadata
 * references wait for the suite that wants them. Not thread-safe.
 */
final class PoolTransfer {
  private static final int CHUNK_FILES = 1000;
  private static final long CHUNK_BYTES = 256L << 20;

  /**
   * What the transfer left to the suites.
   *
   * @param deferred verified replacements, staged, to publish with a suite
   * @param failed the files that could not be fetched as wanted (kept-as-is ones among them)
   * @param fetched every path fetched in this run, published or deferred
   * @param bytes bytes received, per path
   */
  record Result(
      Map<String, Staged> deferred,
      Map<String, FetchOutcome> failed,
      Set<String> fetched,
      Map<String, Long> bytes) {}

  /** A verified file in staging with the record it will have. */
  record Staged(Publisher.Staged staged, FileRecord record) {}

  private final RunContext ctx;

  PoolTransfer(RunContext ctx) {
    this.ctx = ctx;
  }

  /**
   * @param publishAtOnce whether a path may be published as soon as it is verified: a new path, or
   *     a repair of a file only unchanged suites reference
   */
  Result run(List<Wanted> toFetch, Predicate<String> publishAtOnce)
      throws IOException, InterruptedException {
    Result result =
        new Result(
            new LinkedHashMap<>(), new LinkedHashMap<>(), new HashSet<>(), new LinkedHashMap<>());
    ctx.progress().planned(toFetch.size(), toFetch.stream().mapToLong(Wanted::size).sum());
    List<Wanted> chunk = new ArrayList<>();
    long chunkBytes = 0;
    for (Wanted w : toFetch) {
      chunk.add(w);
      chunkBytes += w.size();
      if (chunk.size() >= CHUNK_FILES || chunkBytes >= CHUNK_BYTES) {
        fetchChunk(chunk, publishAtOnce, result);
        chunk.clear();
        chunkBytes = 0;
      }
    }
    fetchChunk(chunk, publishAtOnce, result);
    return result;
  }

  private void fetchChunk(List<Wanted> chunk, Predicate<String> publishAtOnce, Result result)
      throws IOException, InterruptedException {
    if (chunk.isEmpty()) return;
    List<FetchOutcome> outcomes = fetch(chunk);
    long t = System.nanoTime();
    Publication now = new Publication();
    for (FetchOutcome o : outcomes) {
      String path = o.task().localPath();
      Staged staged = staged(o);
      if (staged == null) {
        result.failed().put(path, o);
        continue;
      }
      if (o instanceof FetchOutcome.Failed) result.failed().put(path, o);
      result.fetched().add(path);
      if (o instanceof FetchOutcome.Fetched f) result.bytes().put(path, f.bytesTransferred());
      if (publishAtOnce.test(path)) {
        now.content(staged.staged(), staged.record());
        // Until a suite that references it is published, nothing keeps it: if none ever is, it
        // goes.
        now.alsoRecord(batch -> batch.markForDeletion(path, ctx.nowMillis()));
      } else {
        result.deferred().put(path, staged);
      }
    }
    now.carryOut(ctx.index(), ctx.publisher());
    now.records().forEach(r -> ctx.ledger().change(r.path(), SyncReport.Change.Action.FETCHED));
    ctx.ledger().phase("publish", t);
  }

  private List<FetchOutcome> fetch(List<Wanted> chunk) throws IOException, InterruptedException {
    long t = System.nanoTime();
    List<FetchTask> tasks = new ArrayList<>(chunk.size());
    for (Wanted w : chunk) tasks.add(new FetchTask(w.path(), w.path(), w.expected()));
    List<FetchOutcome> outcomes =
        ctx.transfer()
            .fetchAll(
                tasks,
                o -> {
                  long bytes = o instanceof FetchOutcome.Fetched f ? f.bytesTransferred() : 0;
                  ctx.ledger().fetched(bytes);
                  ctx.progress().done(1, bytes);
                });
    ctx.ledger().phase("transfer", t);
    return outcomes;
  }

  /** The staged file of a fetch and its record; null when there is nothing to publish. */
  private Staged staged(FetchOutcome o) {
    return switch (o) {
      case FetchOutcome.Fetched f ->
          new Staged(
              new Publisher.Staged(f.staged(), f.task().localPath()),
              new FileRecord(
                  f.task().localPath(),
                  f.task().expected().size(),
                  f.mtimeMillis(),
                  f.hashes().merge(f.task().expected().hashes()),
                  FileState.PUBLISHED,
                  ctx.generation(),
                  ctx.nowMillis()));
      case FetchOutcome.Failed f when Failures.keptAsIs(f, ctx.options().transfer().policy()) ->
          new Staged(
              new Publisher.Staged(f.kept(), f.task().localPath()),
              new FileRecord(
                  f.task().localPath(),
                  f.actualSize(),
                  f.mtimeMillis(),
                  f.actualHashes(),
                  FileState.UPSTREAM_MISMATCH,
                  ctx.generation(),
                  ctx.nowMillis()));
      default -> null;
    };
  }
}
