package org.repomirror.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import org.repomirror.fs.FileStore;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.index.Index;
import org.repomirror.plan.DiskView;
import org.repomirror.plan.IndexView;
import org.repomirror.publish.Publisher;
import org.repomirror.source.Upstream;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.Transfer;

/**
 * What every pass of one run works with: the mirror, the upstream, the index, the transfer and
 * publisher, the ledger, and the run's clock reading. Immutable; the parts it holds are not.
 *
 * @param generation identifies this run in the records it writes (its start, epoch ms)
 * @param nowMillis the run's start, from its clock: when deletions it marks begin
 */
record RunContext(
    MirrorLayout layout,
    Upstream upstream,
    Index index,
    Transfer transfer,
    Publisher publisher,
    FileStore files,
    RunProgress progress,
    RunLedger ledger,
    SyncOptions options,
    Clock clock,
    long generation,
    long nowMillis) {

  /** Throws when the run was asked to stop: called between the steps that publish. */
  void checkStop() throws Transfer.Stopped {
    if (transfer.stopped()) throw new Transfer.Stopped();
  }

  /** The record a file this run fetched and verified is published with. */
  FileRecord published(FetchOutcome.Fetched f) {
    return new FileRecord(
        f.task().localPath(),
        f.size(),
        f.mtimeMillis(),
        f.hashes().merge(f.task().expected().hashes()),
        FileState.PUBLISHED,
        generation,
        nowMillis);
  }

  IndexView indexView() {
    return index::file;
  }

  /**
   * Counts a file the transfer finished, in the ledger and the progress (a file not fetched stands
   * for its share of the plan there); from its workers.
   */
  void counted(FetchOutcome o) {
    if (o instanceof FetchOutcome.Fetched f) {
      ledger.fetched(f.bytesTransferred());
      progress.done(1, f.bytesTransferred());
    } else {
      progress.done(1, transfer.plannedShare(o.task()));
    }
  }

  /** The mirror's disk as the planners see it: one stat per question. */
  DiskView disk() {
    return new DiskView() {
      @Override
      public Optional<OnDisk> stat(String path) {
        try {
          return files
              .stat(layout.resolve(path))
              .map(s -> new OnDisk(s.isFile(), s.size(), s.mtimeMillis()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public Optional<String> linkTarget(String path) {
        try {
          return files.readSymbolicLink(layout.resolve(path));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
