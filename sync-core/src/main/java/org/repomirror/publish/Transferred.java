package org.repomirror.publish;

import java.util.Map;
import java.util.Set;
import org.repomirror.index.FileRecord;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.FetchOutcome;

/**
 * What the pool's transfer left to the suites: new paths are published already; replacements of
 * files published metadata references wait, verified in staging, for the suites that want them.
 * Immutable once the transfer has ended.
 *
 * @param deferred verified replacements in staging, to publish with a suite, by path
 * @param failed the files that could not be fetched as wanted (kept-as-is ones among them)
 * @param fetched every path fetched in this run, published or deferred
 * @param bytes bytes received, by path
 */
public record Transferred(
    Map<String, Staged> deferred,
    Map<String, FetchOutcome> failed,
    Set<String> fetched,
    Map<String, Long> bytes) {

  /** Nothing transferred. */
  public static final Transferred NOTHING = new Transferred(Map.of(), Map.of(), Set.of(), Map.of());

  /** A verified file in staging with the record it will have. */
  public record Staged(PublishedTree.Staged staged, FileRecord record) {}
}
