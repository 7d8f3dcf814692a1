package org.repomirror.publish;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.fs.FileHashes;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.plan.DiskView;
import org.repomirror.store.PublishedTree;

/**
 * What makes a crash between renaming files into the served tree and recording them harmless: the
 * records are noted in the index first, as intents, and the batch that records them removes the
 * notes. After a crash in between, the files are in the tree, verified, but unknown to the index;
 * {@link #recover} records them and marks them for deletion, which the next publication of a suite
 * (or the tree pass) cancels for every path it still wants.
 */
public final class PublishIntents {
  private PublishIntents() {}

  /** Notes, durably, the records of files about to be renamed into the served tree. */
  public static void declare(Index index, List<FileRecord> records) {
    if (records.isEmpty()) return;
    try (Index.Batch batch = index.batch()) {
      records.forEach(batch::putIntent);
      batch.commit();
    }
  }

  /**
   * Records what an interrupted run published; intents whose file never reached the tree are
   * dropped.
   *
   * @return how many files were recorded
   */
  public static int recover(PublishedTree tree, Index index, long nowMillis) throws IOException {
    List<FileRecord> intents = index.intents();
    if (intents.isEmpty()) return 0;
    int recovered = 0;
    try (Index.Batch batch = index.batch()) {
      for (FileRecord r : intents) {
        if (isThere(tree, r)) {
          Optional<FileRecord> known = index.file(r.path());
          if (known.isEmpty() || !known.get().hashes().equals(r.hashes())) {
            batch.put(r);
            if (known.isEmpty()) batch.markForDeletion(r.path(), nowMillis);
            recovered++;
          }
        }
        batch.deleteIntent(r.path());
      }
      batch.commit();
    }
    return recovered;
  }

  /**
   * Whether the file at a path is the one the intent describes: for a link its target, for a file
   * its size and then its checksum, since a publication rolled back leaves the old file, which may
   * well have the same size.
   */
  private static boolean isThere(PublishedTree tree, FileRecord r) throws IOException {
    if (r.isLink()) return tree.linkTarget(r.path()).filter(r.linkTarget()::equals).isPresent();
    Optional<DiskView.OnDisk> there = tree.stat(r.path());
    if (there.isEmpty() || !there.get().regularFile() || there.get().size() != r.size()) {
      return false;
    }
    HashAlgorithm a = r.hashes().strongest();
    try (InputStream in = tree.open(r.path())) {
      return FileHashes.hex(in, a).equals(r.hashes().get(a).orElse(""));
    }
  }
}
