package org.repomirror.sync;

import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.repomirror.apt.IndexReader;
import org.repomirror.apt.ReleaseFetcher;
import org.repomirror.apt.Released;
import org.repomirror.apt.SuiteReleases;
import org.repomirror.apt.Wanting;
import org.repomirror.index.Index;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.SyncPlanner;
import org.repomirror.plan.Wanted;
import org.repomirror.publish.PoolPublisher;
import org.repomirror.publish.Published;
import org.repomirror.publish.SuitesPublisher;
import org.repomirror.publish.Transferred;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.run.Progress;
import org.repomirror.run.Ticker;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Transfer;

/**
 * The apt suites of a sync, as the list of its steps, each handing its value to the next:
 *
 * <ol>
 *   <li>{@link SuiteReleases}: every Release fetched and verified → {@link Released}; one bad
 *       signature, and nothing is written;
 *   <li>{@link IndexReader}: the indexes fetched and read as they arrive → {@link Wanting}; each
 *       pool file is decided ({@link SyncPlanner.Planning}) and its fetch started as soon as an
 *       index lists it;
 *   <li>the pool's transfer, its new paths published as they are verified ({@link PoolPublisher}) →
 *       {@link Transferred};
 *   <li>{@link SuitesPublisher}: each suite whose files are there published in one switch → {@link
 *       Published}.
 * </ol>
 *
 * A plan runs the first two steps the same way ({@link PlanRun}). Not thread-safe.
 */
final class AptSync {
  /** One pass over the suites. */
  sealed interface Pass permits Untrusted, Done {
    Released released();
  }

  /** A signature failed: nothing was fetched past the Releases, nothing written. */
  record Untrusted(Released released) implements Pass {}

  /**
   * Every step went through.
   *
   * @param pool the plan of every file the suites want besides their indexes
   */
  record Done(
      Released released,
      Wanting wanting,
      SyncPlan pool,
      Transferred transferred,
      Published published)
      implements Pass {}

  /** What the steps work with. */
  record Parts(
      Index index,
      PublishedTree published,
      Transfer transfer,
      RunLedger ledger,
      Progress progress) {}

  private final Parts parts;
  private final SyncOptions options;
  private final ReleaseFetcher releases;
  private final Clock clock;
  private final long run;

  /**
   * @param run the run's start, epoch ms
   */
  AptSync(Parts parts, SyncOptions options, ReleaseFetcher releases, Clock clock, long run) {
    this.parts = parts;
    this.options = options;
    this.releases = releases;
    this.clock = clock;
    this.run = run;
  }

  Pass run() throws IOException, InterruptedException {
    Released released = new SuiteReleases(releases, parts.ledger(), clock).fetch(options.dists());
    if (released.trustFailure()) return new Untrusted(released);
    SyncPlanner.Planning planning =
        new SyncPlanner.Planning(parts.index()::file, parts.published());
    PoolPublisher pool =
        new PoolPublisher(
            parts.index(),
            parts.published(),
            parts.ledger(),
            parts.transfer().policy(),
            run,
            Ticker.SYSTEM);
    Wanting wanting;
    Transferred transferred;
    boolean whole = false;
    try {
      try (Ledger.Timing t = parts.ledger().time(Phase.TRANSFER);
          Transfer.Session session = parts.transfer().open(parts.progress(), parts.ledger())) {
        wanting =
            indexReader()
                .read(
                    released, IndexReader.Mode.ALL, session, w -> want(w, planning, session, pool));
        parts.progress().planComplete();
        pool.release(publishAtOnce(wanting, planning.plan()));
        session.finish();
        whole = true;
      }
    } finally {
      transferred = pool.finish(whole);
    }
    if (parts.transfer().stopped()) throw new Transfer.Stopped();
    SyncPlan plan = planning.plan();
    warnConflicts(plan);
    Published published = suitesPublisher().publish(wanting, transferred);
    return new Done(released, wanting, plan, transferred, published);
  }

  IndexReader indexReader() {
    return new IndexReader(options.selection(), parts.index(), parts.published(), parts.ledger());
  }

  private SuitesPublisher suitesPublisher() {
    return new SuitesPublisher(
        parts.index(),
        parts.published(),
        parts.ledger(),
        clock,
        run,
        new SuitesPublisher.Settings(
            options.allowErrors(), parts.transfer().policy(), parts.transfer().staging()));
  }

  /** A wanted file decided, and fetched at once when the mirror lacks it as wanted. */
  private static void want(
      Wanted w, SyncPlanner.Planning planning, Transfer.Session session, PoolPublisher pool) {
    switch (planning.decide(w)) {
      case FETCH, REPLACE ->
          session.submit(new FetchTask(w.path(), w.path(), w.expected()), pool::offer);
      case REUSE, SEEN -> {}
    }
  }

  /**
   * Which verified paths go in at once: a new path a suite that goes on wants, or a repair of a
   * file only unchanged suites reference; a replacement of what changed suites reference waits for
   * them.
   */
  private static Predicate<String> publishAtOnce(Wanting wanting, SyncPlan plan) {
    Map<String, List<Wanting.Suite>> wantedBy = wanting.wantedBy();
    Set<String> replacing = new HashSet<>();
    plan.replace().forEach(w -> replacing.add(w.path()));
    return path -> {
      List<Wanting.Suite> by = wantedBy.get(path);
      return by != null
          && (!replacing.contains(path)
              || by.stream().allMatch(s -> s instanceof Wanting.Unchanged));
    };
  }

  private void warnConflicts(SyncPlan plan) {
    for (String p : plan.conflicts()) {
      parts.ledger().warn(p + ": suites list it with different sizes or checksums; the first wins");
    }
  }
}
