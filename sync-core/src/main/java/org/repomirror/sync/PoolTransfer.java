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
import org.repomirror.run.Change;
import org.repomirror.run.Phase;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;

/**
 * Fetches the pool files of a plan, and publishes their new paths a chunk at a time as they are
 * verified, on a thread of its own while the transfer goes on ({@link ChunkPublishing}): nothing
 * published references them yet, and a crash then keeps them (the files verified since stay in
 * staging, and are reused). Replacements of files that published metadata references wait for the
 * suite that wants them. Not thread-safe.
 */
final class PoolTransfer {
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
    List<FetchTask> tasks = new ArrayList<>(toFetch.size());
    for (Wanted w : toFetch) tasks.add(new FetchTask(w.path(), w.path(), w.expected()));
    ctx.progress().planned(tasks.size(), ctx.transfer().bytesToMove(tasks));
    ctx.progress().passPlanned();
    if (toFetch.isEmpty()) return result;
    ChunkPublishing publishing =
        new ChunkPublishing(chunk -> publish(chunk, publishAtOnce, result));
    long t = System.nanoTime();
    boolean transferred = false;
    try {
      ctx.transfer()
          .fetchAll(
              tasks,
              o -> {
                ctx.counted(o);
                publishing.offer(o);
              });
      transferred = true;
    } finally {
      ctx.ledger().phase(Phase.TRANSFER, t);
      publishing.finish(transferred);
    }
    return result;
  }

  /** Publishes one chunk's new paths; keeps the rest for the suites. On the publishing thread. */
  private void publish(List<FetchOutcome> chunk, Predicate<String> publishAtOnce, Result result)
      throws IOException {
    long t = System.nanoTime();
    Publication now = new Publication();
    for (FetchOutcome o : chunk) {
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
    now.records().forEach(r -> ctx.ledger().change(r.path(), Change.Action.FETCHED));
    ctx.ledger().phase(Phase.PUBLISH, t);
  }

  /** The staged file of a fetch and its record; null when there is nothing to publish. */
  private Staged staged(FetchOutcome o) {
    return switch (o) {
      case FetchOutcome.Fetched f ->
          new Staged(new Publisher.Staged(f.staged(), f.task().localPath()), ctx.published(f));
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
