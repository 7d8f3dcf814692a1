package org.repomirror.tree;

import java.util.List;

/**
 * What the tree pass of a run did, or would do (a plan). Immutable.
 *
 * @param source directory, autoindex or manifest
 * @param verification how the files it fetched were verified: manifest-sha256, source-sha256 or
 *     size-mtime (files of this run's apt suites are verified against the signed indexes, and
 *     counted in the suites)
 * @param markedForDeletion paths the upstream no longer has, deleted after the grace period
 * @param skipped entries left out by rule: hidden, unsafe names, links leaving the tree, special
 *     files
 * @param notMirrored every listed entry that is not in the mirror, and why: the skipped ones, and
 *     those the upstream refused when fetched (404, 403, 410); at most 10,000
 * @param notMirroredOmitted such entries beyond that limit
 */
public record TreeResult(
    String source,
    String verification,
    TreeOutcome outcome,
    String reason,
    long listed,
    long fetched,
    long unchanged,
    long failed,
    long links,
    long markedForDeletion,
    long skipped,
    long bytesFetched,
    List<NotMirrored> notMirrored,
    long notMirroredOmitted) {
  public TreeResult {
    notMirrored = List.copyOf(notMirrored);
  }
}
