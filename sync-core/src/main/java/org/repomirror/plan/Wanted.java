package org.repomirror.plan;

import org.repomirror.debian.ExpectedFile;

/**
 * A file that signed metadata says the mirror must hold.
 *
 * @param path relative to the mirror root (and to the upstream root: they are the same)
 * @param expected its size and checksums
 * @param kind pool file, index, or by-hash copy of an index
 * @param mayBeAbsent the Release lists it, but upstreams often do not carry it (an uncompressed
 *     Packages beside its .xz, a by-hash folder of a weaker hash): a 404 is no error
 */
public record Wanted(String path, ExpectedFile expected, Kind kind, boolean mayBeAbsent) {

  /** What a wanted file is, for the split of bytes and for the order of publication. */
  public enum Kind {
    /** A package or source file, referenced by a Packages or Sources index. */
    POOL,
    /** A file the Release lists: Packages, Sources, Contents, Translation... */
    INDEX,
    /** A copy of an index under {@code by-hash/<algorithm>/<hex>}. */
    BY_HASH
  }

  public static Wanted pool(ExpectedFile expected) {
    return new Wanted(expected.path(), expected, Kind.POOL, false);
  }

  public long size() {
    return Math.max(0, expected.size());
  }
}
