package org.repomirror.transfer;

import java.nio.file.Path;
import org.repomirror.debian.Hashes;

/** How one fetch ended. */
public sealed interface FetchOutcome {
  FetchTask task();

  /**
   * Verified and staged, ready to publish.
   *
   * @param staged the staged file, fsync'd, its mtime set
   * @param hashes every checksum the index gave, recomputed, plus SHA-256
   */
  record Fetched(
      FetchTask task, Path staged, Hashes hashes, long mtimeMillis, long bytesTransferred)
      implements FetchOutcome {}

  /** The upstream answered 404: not there. */
  record Missing(FetchTask task, String url) implements FetchOutcome {}

  /**
   * Failed, after retries.
   *
   * @param actualSize bytes received, or -1 when nothing was
   * @param actualHashes what the received bytes hash to, or null
   * @param kept the received bytes, still in staging (for mirror-as-is) or in quarantine; null when
   *     nothing usable was received
   * @param action what was done about it, for the report
   */
  record Failed(
      FetchTask task,
      String url,
      String reason,
      long actualSize,
      Hashes actualHashes,
      Path kept,
      long mtimeMillis,
      String action)
      implements FetchOutcome {}
}
