package org.repomirror.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.fs.FileHashes;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;

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
  public static int recover(Path root, Index index, long nowMillis) throws IOException {
    List<FileRecord> intents = index.intents();
    if (intents.isEmpty()) return 0;
    int recovered = 0;
    try (Index.Batch batch = index.batch()) {
      for (FileRecord r : intents) {
        if (isThere(root.resolve(r.path()), r)) {
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
  private static boolean isThere(Path p, FileRecord r) throws IOException {
    if (r.isLink()) {
      return Files.isSymbolicLink(p) && Files.readSymbolicLink(p).toString().equals(r.linkTarget());
    }
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) != r.size()) {
      return false;
    }
    HashAlgorithm a = r.hashes().strongest();
    return FileHashes.hex(p, a).equals(r.hashes().get(a).orElse(""));
  }
}
