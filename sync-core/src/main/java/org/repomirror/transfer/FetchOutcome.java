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
   * @param size its size, as verified (the expected one, or what was received when none was known)
   * @param hashes SHA-256 and the strongest checksum the index gave, recomputed
   * @param elapsedNanos how long the download took, retries included
   */
  record Fetched(
      FetchTask task,
      Path staged,
      long size,
      Hashes hashes,
      long mtimeMillis,
      long bytesTransferred,
      long elapsedNanos)
      implements FetchOutcome {}

  /**
   * The upstream does not have it.
   *
   * @param status 404 or 410, or 0 from a directory upstream
   */
  record Missing(FetchTask task, String url, int status) implements FetchOutcome {}

  /**
   * The upstream has it but will not give it: 403 and the like, or a redirect loop.
   *
   * @param status the HTTP status, or 0 when there was none
   */
  record Refused(FetchTask task, String url, int status, String reason) implements FetchOutcome {}

  /**
   * Failed, after retries.
   *
   * @param actualSize bytes received, or -1 when nothing was
   * @param actualHashes what the received bytes hash to, or null
   * @param kept the received bytes, still in staging (for mirror-as-is) or in quarantine; null when
   *     nothing usable was received
   * @param quarantined whether {@code kept} is in quarantine (strict) rather than in staging
   */
  record Failed(
      FetchTask task,
      String url,
      String reason,
      long actualSize,
      Hashes actualHashes,
      Path kept,
      long mtimeMillis,
      boolean quarantined)
      implements FetchOutcome {}
}
