package org.repomirror.publish;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.repomirror.apt.RawFile;
import org.repomirror.apt.SuiteOutcome;
import org.repomirror.apt.Wanting;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.fs.FileTimes;
import org.repomirror.fs.StagingNames;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.run.Change;
import org.repomirror.run.Failure;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.Failures;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.Transfer;

/**
 * Publishes the suites of an apt sync once the pool's transfer has ended: each suite whose files
 * are all there (or whose bad files the allowed errors permit) as a new generation of its dists
 * folder, switched in one step, with the replaced pool files it wants and, in the same index batch,
 * the upstream's validators, the paths it references and the deletions that follow; every other
 * suite is left as it was, and what it staged is thrown away. Not thread-safe.
 */
public final class SuitesPublisher {
  private final Index index;
  private final PublishedTree published;
  private final Ledger ledger;
  private final Clock clock;
  private final long run;
  private final Settings settings;

  /**
   * How suites are published.
   *
   * @param allowErrors how many bad or missing files a suite may have and still be published
   * @param policy what became of a file whose bytes did not match
   * @param staging where the Release files are staged
   */
  public record Settings(int allowErrors, Transfer.MismatchPolicy policy, Path staging) {}

  /**
   * @param clock names each suite's new generation
   * @param run the run's start, epoch ms, for the records
   */
  public SuitesPublisher(
      Index index,
      PublishedTree published,
      Ledger ledger,
      Clock clock,
      long run,
      Settings settings) {
    this.index = index;
    this.published = published;
    this.ledger = ledger;
    this.clock = clock;
    this.run = run;
    this.settings = settings;
  }

  public Published publish(Wanting wanting, Transferred pool) throws IOException {
    Map<String, Failure> failures = recordFailures(wanting, pool);
    Set<String> wanted = wanting.allWanted();
    Set<String> taken = new HashSet<>();
    List<Published.Suite> done = new ArrayList<>();
    for (Wanting.Suite s : wanting.suites()) {
      done.add(publish(s, pool, failures, wanted, taken));
    }
    for (Map.Entry<String, Transferred.Staged> left : pool.deferred().entrySet()) {
      if (!taken.contains(left.getKey())) {
        published.discard(left.getValue().staged().staged()); // wanted only by suites not published
      }
    }
    return new Published(done, failures);
  }

  private Published.Suite publish(
      Wanting.Suite s,
      Transferred pool,
      Map<String, Failure> failures,
      Set<String> wanted,
      Set<String> taken)
      throws IOException {
    return switch (s) {
      case Wanting.Ended e -> {
        discard(e.indexes());
        yield new Published.Suite(s, e.outcome(), e.reason(), Set.of());
      }
      case Wanting.Unchanged u -> new Published.Suite(s, SuiteOutcome.UNCHANGED, null, Set.of());
      case Wanting.Changed c -> {
        Set<String> unusable = unusable(c, pool, failures);
        long blocking = unusable.size() + c.indexes().failed();
        if (blocking > settings.allowErrors()) {
          discard(c.indexes());
          yield new Published.Suite(
              s, SuiteOutcome.NOT_PUBLISHED, notPublished(c.dist(), blocking), unusable);
        }
        Set<String> elsewhere = index.referencedBySuites(c.dist());
        publish(c, pool, unusable, p -> wanted.contains(p) || elsewhere.contains(p), taken);
        yield new Published.Suite(s, SuiteOutcome.PUBLISHED, null, unusable);
      }
    };
  }

  /** The files a suite wants that could not be fetched as wanted, and were not kept as served. */
  private static Set<String> unusable(
      Wanting.Changed c, Transferred pool, Map<String, Failure> failures) {
    Set<String> bad = new LinkedHashSet<>();
    for (String path : c.wanted().keySet()) {
      if (failures.containsKey(path) && !pool.fetched().contains(path)) bad.add(path);
    }
    return bad;
  }

  /** Why a suite was not published, what stays served instead, and the way past it. */
  private String notPublished(String dist, long blocking) throws IOException {
    boolean served = published.currentGeneration(dist).isPresent();
    return blocking
        + " file(s) bad or missing; "
        + (served ? "the previous metadata stays published" : "nothing of it is published yet")
        + " (--allow-errors "
        + blocking
        + " publishes it without them)";
  }

  /**
   * Each pool file a suite that goes on wants and could not be had, once in the ledger; kept-as-is
   * ones are warnings too.
   */
  private Map<String, Failure> recordFailures(Wanting wanting, Transferred pool) {
    Map<String, ?> wantedBy = wanting.wantedBy();
    Map<String, Failure> failures = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, FetchOutcome> e : pool.failed().entrySet()) {
      if (!wantedBy.containsKey(e.getKey())) continue; // only suites that ended wanted it
      Failure f = Failures.of(e.getValue(), settings.policy());
      failures.put(e.getKey(), f);
      ledger.fail(Ledger.Scope.APT, f);
      if (pool.fetched().contains(e.getKey())) {
        ledger.warn(
            e.getKey()
                + ": kept as the upstream serves it, which does not match its index"
                + " (upstream-mismatch)");
      }
    }
    return failures;
  }

  /**
   * Publishes one suite: the replaced pool files it wants as content, then its dists folder as a
   * new generation.
   *
   * @param unusable paths it wants that could not be fetched as wanted
   * @param wantedElsewhere whether another suite or this run still wants a path
   * @param taken the deferred files published so far, this suite's added
   */
  private void publish(
      Wanting.Changed s,
      Transferred pool,
      Set<String> unusable,
      Predicate<String> wantedElsewhere,
      Set<String> taken)
      throws IOException {
    Publication p = new Publication();
    List<PublishedTree.Staged> folder = new ArrayList<>();
    List<FileRecord> folderRecords = new ArrayList<>();
    for (FetchOutcome.Fetched f : s.indexes().staged().values()) {
      String path = f.task().localPath();
      long mtime = laterThanServed(path, f.hashes(), f.mtimeMillis());
      if (mtime != f.mtimeMillis()) {
        FileTimes.set(f.staged(), mtime);
      }
      folder.add(new PublishedTree.Staged(f.staged(), path));
      folderRecords.add(FileRecords.fetched(f, mtime, run));
    }
    for (RawFile raw : s.release().raw()) {
      Hashes content = Hashes.of(HashAlgorithm.SHA256, HashAlgorithm.SHA256.hex(raw.bytes()));
      long mtime = laterThanServed(raw.path(), content, raw.mtimeMillis().orElse(run));
      folder.add(stage(raw, mtime));
      folderRecords.add(FileRecords.bytes(raw.path(), raw.bytes(), mtime, run));
    }
    for (String path : s.wanted().keySet()) {
      Transferred.Staged deferred = pool.deferred().get(path);
      if (deferred != null && taken.add(path)) p.content(deferred.staged(), deferred.record());
    }
    long generation = nextGeneration(s.dist());
    p.generation(s.dist(), generation, folder, folderRecords);
    Set<String> references = s.referencesIfPublished(unusable);
    Set<String> before = index.references(s.dist()).orElse(Set.of());
    DeletionPolicy.Marks marks =
        DeletionPolicy.marks(before, references, wantedElsewhere, index.pendingDeletes());
    p.alsoRecord(
        batch -> {
          batch.putValidators(s.release().validatorsUrl(), s.release().validators());
          batch.putReferences(s.dist(), references);
          batch.putPublishedWithout(s.dist(), unusable);
          // From the moment the old generation stopped being served: the generation and the
          // files only it references wait out the same grace.
          marks.toMark().forEach(path -> batch.markForDeletion(path, generation));
          marks.toUnmark().forEach(batch::unmarkForDeletion);
        });
    try (Ledger.Timing t = ledger.time(Phase.PUBLISH)) {
      p.carryOut(index, published);
    }
    p.records().forEach(r -> ledger.changed(r.path(), Change.Action.FETCHED));
  }

  /**
   * The mtime to publish a suite's file with: its own, unless the served version of the path has
   * other content and the same second or a later one; then the second after the served one's. A
   * client that holds the served version asks If-Modified-Since its Last-Modified, and must never
   * get a 304 for a file that changed: apt would keep its old Release beside the new Release.gpg
   * (BADSIG), or its old index against the new Release (Hash Sum mismatch). Upstreams that
   * republish within a second, or roll back to files with earlier mtimes, do both.
   */
  private long laterThanServed(String path, Hashes content, long mtime) {
    FileRecord served = index.file(path).orElse(null);
    if (served == null || served.isLink()) return mtime;
    long servedSecond = Math.floorDiv(served.mtimeMillis(), 1000);
    if (Math.floorDiv(mtime, 1000) > servedSecond) return mtime;
    Optional<String> sha256 = content.get(HashAlgorithm.SHA256);
    if (sha256.isPresent() && sha256.equals(served.hashes().get(HashAlgorithm.SHA256))) {
      return mtime; // the same file: a 304 is right
    }
    return (servedSecond + 1) * 1000;
  }

  /** The id of a suite's next generation: the clock's now, and later than the current one's. */
  private long nextGeneration(String dist) throws IOException {
    return Math.max(clock.millis(), published.currentGeneration(dist).orElse(0L) + 1);
  }

  /** Throws away what a suite that is not published staged. */
  private void discard(Wanting.Indexes indexes) throws IOException {
    for (FetchOutcome.Fetched f : indexes.staged().values()) published.discard(f.staged());
  }

  /** A Release file into staging, with the upstream's Last-Modified or the run's start. */
  private PublishedTree.Staged stage(RawFile raw, long mtime) throws IOException {
    Path staged = StagingNames.of(settings.staging(), raw.path());
    try (FileChannel out =
        FileChannel.open(
            staged,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap(raw.bytes()));
    }
    FileTimes.set(staged, mtime);
    return new PublishedTree.Staged(staged, raw.path());
  }
}
