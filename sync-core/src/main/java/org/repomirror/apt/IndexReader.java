package org.repomirror.apt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.repomirror.debian.Compression;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.plan.SyncPlanner;
import org.repomirror.plan.Wanted;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.Failures;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Transfer;

/**
 * The second step of an apt sync: the indexes of the suites whose Release changed, fetched and read
 * as they arrive, each wanted pool file handed on as soon as an index lists it, so that the pool's
 * downloads start while other indexes are still on their way. A suite unchanged upstream wants what
 * it referenced when last published, handed on first. What each suite wants in the end is its
 * {@link Wanting}. Not thread-safe: one thread reads; the transfer's workers only queue arrivals.
 */
public final class IndexReader {
  /** Which listed indexes to fetch. */
  public enum Mode {
    /** Every listed variant and by-hash object: a sync mirrors them all. */
    ALL,
    /** One readable variant of each Packages, Sources and second-level index: what a plan reads. */
    TO_READ
  }

  /** Hears of each file a suite wants, once per suite and path, on the reading thread. */
  @FunctionalInterface
  public interface Wants {
    void want(Wanted file);
  }

  private final SuiteSelection selection;
  private final Index index;
  private final PublishedTree tree;
  private final Ledger ledger;

  public IndexReader(SuiteSelection selection, Index index, PublishedTree tree, Ledger ledger) {
    this.selection = selection;
    this.index = index;
    this.tree = tree;
    this.ledger = ledger;
  }

  /**
   * @param fetching the transfer the indexes are fetched through, beside the pool
   * @param wants hears of each pool file, and of each file an unchanged suite references
   * @throws Transfer.Stopped when the transfer was stopped
   */
  public Wanting read(Released released, Mode mode, Transfer.Session fetching, Wants wants)
      throws IOException, InterruptedException {
    Reading reading = new Reading(mode, fetching, wants);
    List<SuiteIndexes> changed = new ArrayList<>();
    for (Released.Suite s : released.suites()) {
      if (s instanceof Released.Unchanged u) reading.references(u);
    }
    try (Ledger.Timing t = ledger.time(Phase.PLAN)) {
      for (Released.Suite s : released.suites()) {
        if (s instanceof Released.Changed c) changed.add(reading.plan(c));
      }
    }
    for (SuiteIndexes s : changed) reading.readReused(s);
    reading.untilAllArrived();
    changed.forEach(SuiteIndexes::warnUnread);
    List<Wanting.Suite> suites = new ArrayList<>();
    int next = 0;
    for (Released.Suite s : released.suites()) {
      suites.add(
          switch (s) {
            case Released.Changed c -> changed.get(next++).wanting();
            case Released.Unchanged u ->
                new Wanting.Unchanged(u.dist(), u.signatures(), reading.referenced(u.dist()));
            case Released.Ended e ->
                new Wanting.Ended(
                    e.dist(), e.outcome(), e.reason(), e.signatures(), Wanting.Indexes.NONE);
          });
    }
    return new Wanting(suites);
  }

  /** Whether an index path names a Packages or Sources index. */
  static boolean isPoolIndex(String path) {
    String name = Compression.stripExtension(path);
    name = name.substring(name.lastIndexOf('/') + 1);
    return name.equals("Packages") || name.equals("Sources");
  }

  /** An index that arrived, for the suite that listed it. */
  private record Arrival(SuiteIndexes suite, FetchOutcome outcome) {}

  /** One call of {@link #read}: the fetches under way, and where their outcomes go. */
  private final class Reading {
    private final Mode mode;
    private final Transfer.Session fetching;
    private final Wants wants;
    private final LinkedBlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private final Map<String, Map<String, Wanted>> referenced = new HashMap<>();
    private int outstanding;

    Reading(Mode mode, Transfer.Session fetching, Wants wants) {
      this.mode = mode;
      this.fetching = fetching;
      this.wants = wants;
    }

    /** Every file an unchanged suite references, as recorded: each is checked on disk. */
    void references(Released.Unchanged u) {
      Map<String, Wanted> wanted = new LinkedHashMap<>();
      for (String path : index.references(u.dist()).orElse(Set.of())) {
        Optional<FileRecord> r = index.file(path).filter(f -> !f.isLink());
        if (r.isEmpty()) continue;
        Wanted w =
            new Wanted(
                path,
                new ExpectedFile(path, r.get().size(), r.get().hashes()),
                kindOf(u.dist(), path),
                false);
        wanted.put(path, w);
        wants.want(w);
      }
      referenced.put(u.dist(), wanted);
    }

    Map<String, Wanted> referenced(String dist) {
      return referenced.getOrDefault(dist, Map.of());
    }

    /** A changed suite's listed indexes planned against the mirror, and their fetches started. */
    SuiteIndexes plan(Released.Changed c) {
      SuiteIndexes s = new SuiteIndexes(c, selection, ledger);
      s.plan(SyncPlanner.plan(s.listed(), index::file, tree), tree);
      for (Wanted w : s.firstToFetch(mode)) fetch(s, w);
      return s;
    }

    void readReused(SuiteIndexes s) throws IOException {
      for (String path : s.readableNow()) read(s, path);
    }

    private void fetch(SuiteIndexes s, Wanted w) {
      outstanding++;
      fetching.submit(
          new FetchTask(w.path(), w.path(), w.expected()), o -> arrivals.add(new Arrival(s, o)));
    }

    /** Takes each index as it arrives, until none is on its way. */
    void untilAllArrived() throws IOException, InterruptedException {
      while (outstanding > 0) {
        Arrival a = arrivals.poll(50, TimeUnit.MILLISECONDS);
        if (a == null) {
          fetching.check(); // a failure or a stop ends the fetches that did not arrive
          continue;
        }
        outstanding--;
        arrived(a.suite(), a.outcome());
      }
    }

    private void arrived(SuiteIndexes s, FetchOutcome o) throws IOException {
      String path = o.task().localPath();
      switch (o) {
        case FetchOutcome.Fetched f -> {
          s.staged(f);
          read(s, path);
        }
        case FetchOutcome.Missing m -> {
          s.absent(path);
          if (mode == Mode.TO_READ) s.nextVariant(path).ifPresent(w -> fetch(s, w));
        }
        default -> {
          ledger.fail(Ledger.Scope.APT, Failures.of(o, fetching.policy()));
          s.failed();
          if (mode == Mode.TO_READ) s.nextVariant(path).ifPresent(w -> fetch(s, w));
        }
      }
    }

    /** Reads an index that became readable, if it is the first readable variant of its kind. */
    private void read(SuiteIndexes s, String path) throws IOException {
      switch (s.firstRead(path)) {
        case POOL -> {
          try (Ledger.Timing t = ledger.time(Phase.PLAN)) {
            s.readPool(path, wants);
          }
        }
        case SECOND_LEVEL -> {
          List<Wanted> more = s.readSecondLevel(path, index::file, tree);
          if (mode == Mode.ALL) more.forEach(w -> fetch(s, w));
        }
        case NOT_TO_READ -> {}
      }
    }
  }

  private static Wanted.Kind kindOf(String dist, String path) {
    if (!path.startsWith(dist + "/")) return Wanted.Kind.POOL;
    return path.contains("/by-hash/") ? Wanted.Kind.BY_HASH : Wanted.Kind.INDEX;
  }
}
