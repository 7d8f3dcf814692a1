package org.repomirror.debian;

/**
 * A file that metadata says must exist, with its size and checksums.
 *
 * @param path relative to the archive root (for pool files) or to the Release's folder (for Release
 *     entries), with {@code /} separators and no leading slash
 * @param size bytes, or {@link #UNKNOWN_SIZE} when only a directory listing describes the file
 * @param hashes the checksums to verify, or null when none is known (a file of a tree that only a
 *     listing or a directory describes: it is checked by size and mtime)
 */
public record ExpectedFile(String path, long size, Hashes hashes) {
  public static final long UNKNOWN_SIZE = -1;

  public ExpectedFile {
    if (size < UNKNOWN_SIZE) {
      throw new IllegalArgumentException("negative size for " + path);
    }
  }

  /**
   * Whether the received bytes are what is expected: the size when known, the hashes when given.
   */
  public boolean accepts(long actualSize, Hashes actual) {
    return (size == UNKNOWN_SIZE || size == actualSize)
        && (hashes == null || hashes.matches(actual));
  }
}
