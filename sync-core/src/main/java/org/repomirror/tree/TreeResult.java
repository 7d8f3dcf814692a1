package org.repomirror.tree;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/**
 * What the tree pass of a run did, or would do (a plan). Immutable. In JSON one flat object: each
 * group's fields sit at the top level.
 *
 * @param reason why the outcome is not a plain success; null when it is
 */
public record TreeResult(
    @JsonUnwrapped Source from,
    TreeOutcome outcome,
    String reason,
    @JsonUnwrapped Seen seen,
    @JsonUnwrapped Moved moved,
    @JsonUnwrapped Unmirrored unmirrored) {

  /**
   * Where the listing came from.
   *
   * @param source directory, autoindex or manifest
   * @param verification how the files it fetched were verified: manifest-sha256, source-sha256 or
   *     size-mtime (files of this run's apt suites are verified against the signed indexes, and
   *     counted in the suites)
   */
  public record Source(String source, String verification) {}

  /**
   * What the listing showed.
   *
   * @param unchanged listed files the mirror has as listed
   * @param skipped entries left out by rule: hidden, unsafe names, links leaving the tree, special
   *     files
   * @param markedForDeletion paths the upstream no longer has, deleted after the grace period
   */
  public record Seen(long listed, long unchanged, long skipped, long markedForDeletion) {}

  /**
   * What was fetched, or a plan would fetch.
   *
   * @param links symbolic links made
   */
  public record Moved(long fetched, long failed, long links, long bytesFetched) {}

  /**
   * @param notMirrored every listed entry that is not in the mirror, and why: the skipped ones, and
   *     those the upstream refused when fetched (404, 403, 410); at most 10,000
   * @param notMirroredOmitted such entries beyond that limit
   */
  public record Unmirrored(List<NotMirrored> notMirrored, long notMirroredOmitted) {
    public Unmirrored {
      notMirrored = List.copyOf(notMirrored);
    }

    /** Every entry not mirrored, those listed and those omitted. */
    public long count() {
      return notMirrored.size() + notMirroredOmitted;
    }
  }
}
