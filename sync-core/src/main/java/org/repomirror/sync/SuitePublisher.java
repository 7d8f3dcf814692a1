package org.repomirror.sync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.repomirror.apt.FetchedRelease;
import org.repomirror.apt.RawFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.fs.StagingNames;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.plan.DeletionPolicy;
import org.repomirror.publish.Publication;
import org.repomirror.publish.Publisher;
import org.repomirror.run.Change;
import org.repomirror.run.Phase;
import org.repomirror.transfer.FetchOutcome;

/**
 * Publishes one suite whose Release changed, once its files are fetched: by-hash objects and the
 * replaced pool files it wants as content, then its indexes and Release files as metadata, and in
 * the same index batch the upstream's validators, the paths it references and the deletions that
 * follow. Not thread-safe.
 */
final class SuitePublisher {
  private final RunContext ctx;

  SuitePublisher(RunContext ctx) {
    this.ctx = ctx;
  }

  /**
   * @param pool what the pool transfer left; deferred files this suite publishes are taken out
   * @param unusable paths this suite wants that could not be fetched as wanted
   * @param wantedElsewhere whether another suite or this run still wants a path
   * @return the paths it now references
   */
  Set<String> publish(
      SuiteWork s,
      PoolTransfer.Result pool,
      Set<String> unusable,
      Predicate<String> wantedElsewhere)
      throws IOException {
    FetchedRelease.Fetched release = s.fetched();
    Publication p = new Publication();
    List<Publisher.Staged> folder = new ArrayList<>();
    List<FileRecord> folderRecords = new ArrayList<>();
    for (FetchOutcome.Fetched f : s.staged.values()) {
      folder.add(new Publisher.Staged(f.staged(), f.task().localPath()));
      folderRecords.add(ctx.published(f));
    }
    for (RawFile raw : release.raw()) {
      folder.add(stage(raw));
      folderRecords.add(rawRecord(raw));
    }
    for (String path : s.wanted.keySet()) {
      PoolTransfer.Staged deferred = pool.deferred().remove(path);
      if (deferred != null) p.content(deferred.staged(), deferred.record());
    }
    long generation = nextGeneration(s.dist);
    p.generation(s.dist, generation, folder, folderRecords);
    Set<String> references = s.referencesIfPublished(unusable);
    Set<String> before = ctx.index().references(s.dist).orElse(Set.of());
    DeletionPolicy.Marks marks =
        DeletionPolicy.marks(before, references, wantedElsewhere, ctx.index().pendingDeletes());
    p.alsoRecord(
        batch -> {
          batch.putValidators(release.validatorsUrl(), release.validators());
          batch.putReferences(s.dist, references);
          batch.putPublishedWithout(s.dist, unusable);
          // From the moment the old generation stopped being served: the generation and the
          // files only it references wait out the same grace.
          marks.toMark().forEach(path -> batch.markForDeletion(path, generation));
          marks.toUnmark().forEach(batch::unmarkForDeletion);
        });
    long t = System.nanoTime();
    p.carryOut(ctx.index(), ctx.publisher());
    ctx.ledger().phase(Phase.PUBLISH, t);
    p.records().forEach(r -> ctx.ledger().change(r.path(), Change.Action.FETCHED));
    return references;
  }

  /** The id of a suite's next generation: the clock's now, and later than the current one's. */
  private long nextGeneration(String dist) throws IOException {
    long now = ctx.clock().millis();
    return Math.max(now, ctx.publisher().generations().current(dist).orElse(0L) + 1);
  }

  /** Deletes what a suite that is not published staged. */
  void discard(SuiteWork s) throws IOException {
    for (FetchOutcome.Fetched f : s.staged.values()) ctx.files().deleteIfExists(f.staged());
  }

  private FileRecord rawRecord(RawFile raw) {
    return new FileRecord(
        raw.path(),
        raw.bytes().length,
        mtimeOf(raw),
        Hashes.of(HashAlgorithm.SHA256, HashAlgorithm.SHA256.hex(raw.bytes())),
        FileState.PUBLISHED,
        ctx.generation(),
        ctx.nowMillis());
  }

  /** The upstream's Last-Modified, or the run's start: either way the mtime set and recorded. */
  private long mtimeOf(RawFile raw) {
    return raw.mtimeMillis().orElse(ctx.nowMillis());
  }

  private Publisher.Staged stage(RawFile raw) throws IOException {
    Path staged = StagingNames.of(ctx.layout().staging(), raw.path());
    try (FileChannel out =
        FileChannel.open(
            staged,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap(raw.bytes()));
    }
    Files.setLastModifiedTime(staged, FileTime.fromMillis(mtimeOf(raw)));
    return new Publisher.Staged(staged, raw.path());
  }
}
