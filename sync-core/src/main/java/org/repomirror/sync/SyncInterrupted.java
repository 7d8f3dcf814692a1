package org.repomirror.sync;

import org.repomirror.transfer.StagingContents;

/**
 * A run stopped on request (SIGINT, SIGTERM) before it finished. Nothing half-done was published:
 * no suite's metadata, and only whole chunks of new content that nothing references yet. What it
 * verified and did not publish stays in staging, with its partial downloads, for the next run.
 */
public final class SyncInterrupted extends InterruptedException {
  private static final long serialVersionUID = 1L;

  private final long published;
  private final transient StagingContents kept;

  SyncInterrupted(long published, StagingContents kept) {
    super("interrupted");
    this.published = published;
    this.kept = kept;
  }

  /** Files this run made visible before it stopped: new content, which stays. */
  public long published() {
    return published;
  }

  public StagingContents kept() {
    return kept;
  }

  /** What the run leaves, in one line. */
  public String summary() {
    return String.format(
        "%d new files published stay; kept for the next run: %d verified files (%.1f MB) and %d"
            + " partial downloads (%.1f MB) in staging; no suite was published half-done",
        published,
        kept.whole().size(),
        kept.wholeBytes() / 1e6,
        kept.partial().size(),
        kept.partialBytes() / 1e6);
  }
}
