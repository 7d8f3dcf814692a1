package org.repomirror.source;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An upstream that puts whole files in place itself, as the rsync binary does, rather than
 * streaming their bodies to the transfer. The transfer still hashes and verifies each file it
 * places; only the bytes' way to the disk differs. Thread-safe.
 */
public interface PlacingUpstream extends Upstream {

  /**
   * Hears that a file will be asked for soon, so that it can travel in a batch with others.
   *
   * @param size its expected size, or -1 when unknown; batches are cut by bytes too
   */
  void expect(String path, long size);

  /**
   * Puts the upstream's file at {@code target}, replacing what is there, with the upstream's mtime.
   *
   * @param alone fetched on its own and from scratch, with no earlier copy as a basis: the fresh
   *     second fetch of a file whose bytes mismatched
   * @return the bytes that crossed the link for it
   * @throws FetchException classified; NOT_FOUND when the upstream has no such file
   */
  long place(String path, Path target, boolean alone) throws IOException, InterruptedException;
}
