package org.repomirror.tree;

import java.io.IOException;
import java.util.function.Consumer;
import org.repomirror.index.Index;
import org.repomirror.tree.format.TreeEntry;

/**
 * Lists every file of an upstream tree: a local directory, autoindex pages or a peer's manifest.
 * Entries stream to a sink, which may be called from several threads at once; nothing is held.
 */
public interface TreeLister {

  /** How the files it lists are verified, for the report. */
  enum Verification {
    /** Against the SHA-256 of a peer's manifest. */
    MANIFEST_SHA256,
    /** By size and mtime, as the listing or the directory gives them. */
    SIZE_MTIME,
    /** Against the SHA-256 of the upstream's file, read at the source ({@code --checksum}). */
    SOURCE_SHA256
  }

  /** What a listing found. */
  enum Result {
    LISTED,
    /** The upstream says the whole tree is as it was at the last sync: nothing was listed. */
    UNCHANGED
  }

  /**
   * Lists the tree.
   *
   * @param index where validators of an earlier listing are kept, for a conditional request
   * @param sink receives each file and symbolic link; thread-safe
   * @param skipped receives a path and why it was left out (hidden, unsafe, special file)
   */
  Result list(Index index, Consumer<TreeEntry> sink, SkipSink skipped)
      throws IOException, InterruptedException;

  Verification verification();

  /** What kind of listing this is, for the report: directory, autoindex or manifest. */
  String source();

  /** What to record in the index once the listed tree is mirrored, so the next run can ask. */
  default void commitValidators(Index.Batch batch) {}

  /** Hears of entries left out of the listing. Thread-safe. */
  @FunctionalInterface
  interface SkipSink {
    void skipped(String path, String reason);
  }
}
