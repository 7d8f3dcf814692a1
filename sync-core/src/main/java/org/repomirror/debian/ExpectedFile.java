package org.repomirror.debian;

/**
 * A file that signed metadata says must exist, with its size and checksums.
 *
 * @param path relative to the archive root (for pool files) or to the Release's folder (for Release
 *     entries), with {@code /} separators and no leading slash
 */
public record ExpectedFile(String path, long size, Hashes hashes) {
  public ExpectedFile {
    if (size < 0) {
      throw new IllegalArgumentException("negative size for " + path);
    }
  }
}
