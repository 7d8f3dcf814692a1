package org.repomirror.index;

import org.repomirror.debian.Hashes;

/**
 * What the index knows of one file of the mirror.
 *
 * @param path relative to the mirror root
 * @param size bytes
 * @param mtimeMillis the mtime set on disk (the upstream's Last-Modified)
 * @param hashes every checksum known for it, at least the one it was verified with
 * @param state where it stands
 * @param run the start of the sync run that last wrote this record, in epoch milliseconds (a
 *     suite's generation is another thing: the id of one version of its dists folder)
 * @param since when the state began, in epoch milliseconds (for grace periods)
 * @param linkTarget for a symbolic link (tree mode), where it points; null for a regular file. A
 *     link's size is its target's length in bytes and its hashes are those of the target string.
 */
public record FileRecord(
    String path,
    long size,
    long mtimeMillis,
    Hashes hashes,
    FileState state,
    long run,
    long since,
    String linkTarget) {

  /** A regular file. */
  public FileRecord(
      String path,
      long size,
      long mtimeMillis,
      Hashes hashes,
      FileState state,
      long run,
      long since) {
    this(path, size, mtimeMillis, hashes, state, run, since, null);
  }

  public boolean isLink() {
    return linkTarget != null;
  }
}
