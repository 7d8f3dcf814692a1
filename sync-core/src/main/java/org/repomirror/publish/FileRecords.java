package org.repomirror.publish;

import java.nio.charset.StandardCharsets;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;
import org.repomirror.transfer.FetchOutcome;

/** The record a file a run publishes gets, by how the run came by it. */
public final class FileRecords {
  private FileRecords() {}

  /**
   * A file fetched and verified, with every checksum known for it.
   *
   * @param run the run's start, epoch ms: the record's run, and when its state began
   */
  public static FileRecord fetched(FetchOutcome.Fetched f, long mtimeMillis, long run) {
    Hashes expected = f.task().expected().hashes();
    return new FileRecord(
        f.task().localPath(),
        f.size(),
        mtimeMillis,
        expected == null ? f.hashes() : f.hashes().merge(expected),
        FileState.PUBLISHED,
        run,
        run);
  }

  /** A file kept as the upstream serves it, though it does not match its index. */
  public static FileRecord keptAsIs(FetchOutcome.Failed f, long run) {
    return new FileRecord(
        f.task().localPath(),
        f.actualSize(),
        f.mtimeMillis(),
        f.actualHashes(),
        FileState.UPSTREAM_MISMATCH,
        run,
        run);
  }

  /** A file made of bytes the run holds: a Release file. */
  public static FileRecord bytes(String path, byte[] bytes, long mtimeMillis, long run) {
    return new FileRecord(
        path,
        bytes.length,
        mtimeMillis,
        Hashes.of(HashAlgorithm.SHA256, HashAlgorithm.SHA256.hex(bytes)),
        FileState.PUBLISHED,
        run,
        run);
  }

  /** A symbolic link: its size and hash are those of its target's bytes. */
  public static FileRecord link(String path, String target, long mtimeMillis, long run) {
    byte[] t = target.getBytes(StandardCharsets.UTF_8);
    return new FileRecord(
        path,
        t.length,
        Math.max(0, mtimeMillis),
        Hashes.of(HashAlgorithm.SHA256, HashAlgorithm.SHA256.hex(t)),
        FileState.PUBLISHED,
        run,
        run,
        target);
  }
}
