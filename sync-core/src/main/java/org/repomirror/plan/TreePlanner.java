package org.repomirror.plan;

import java.util.Optional;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.tree.format.TreeEntry;

/**
 * Decides, for one entry of an upstream tree's listing, whether the mirror already holds it. Pure:
 * the index and the disk come in as views.
 */
public final class TreePlanner {
  private TreePlanner() {}

  /** What to do about a listed entry. */
  public sealed interface Decision {}

  /** The mirror holds it as listed. */
  public record Unchanged() implements Decision {}

  /**
   * Fetch it.
   *
   * @param expected the size and (from a manifest or a checksum walk) SHA-256 to verify against
   * @param mtimeMillis the mtime to give the file, or -1 to keep the upstream's Last-Modified
   */
  public record Fetch(ExpectedFile expected, long mtimeMillis) implements Decision {}

  /** Make (or remake) the symbolic link. */
  public record Link() implements Decision {}

  /**
   * @param folderProven the mirror's folder of the entry is as it was when each of its files was
   *     last checked (see the sync's proven folders): the record is taken without a stat
   */
  public static Decision decide(
      TreeEntry e, Optional<FileRecord> known, DiskView disk, boolean folderProven) {
    if (e.type() == TreeEntry.Type.SYMLINK) {
      boolean same =
          known.isPresent()
              && e.linkTarget().equals(known.get().linkTarget())
              && disk.linkTarget(e.path()).filter(e.linkTarget()::equals).isPresent();
      return same ? new Unchanged() : new Link();
    }
    if (known.isPresent() && current(e, known.get(), disk, folderProven)) return new Unchanged();
    Hashes hashes = e.sha256() == null ? null : Hashes.of(HashAlgorithm.SHA256, e.sha256());
    return new Fetch(
        new ExpectedFile(e.path(), e.size(), hashes),
        e.mtimePrecisionMillis() == 1 ? e.mtimeMillis() : -1);
  }

  /**
   * Whether the mirror's copy is the listed file: the index holds it as published with the listed
   * size, mtime (to the listing's precision) and SHA-256 when the listing has one, and the disk
   * still holds a regular file of the recorded size and mtime (or its folder is proven).
   */
  static boolean current(TreeEntry e, FileRecord r, DiskView disk, boolean folderProven) {
    if (r.state() != FileState.PUBLISHED || r.isLink()) return false;
    if (e.size() < 0 && e.mtimeMillis() < 0) return false;
    if (e.size() >= 0 && e.size() != r.size()) return false;
    if (e.mtimeMillis() >= 0
        && !(r.mtimeMillis() >= e.mtimeMillis()
            && r.mtimeMillis() < e.mtimeMillis() + e.mtimePrecisionMillis())) {
      return false;
    }
    if (e.sha256() != null && !e.sha256().equals(r.hashes().get(HashAlgorithm.SHA256).orElse(""))) {
      return false;
    }
    if (folderProven) return true;
    return disk.stat(e.path())
        .filter(d -> d.regularFile() && d.size() == r.size() && d.mtimeMillis() == r.mtimeMillis())
        .isPresent();
  }
}
