package org.repomirror.tree.format;

/**
 * One entry of an upstream tree, as a listing describes it.
 *
 * @param path relative to the tree root, {@code /}-separated, checked safe
 * @param size bytes, or -1 when the listing does not say exactly (an Apache "1.2K")
 * @param mtimeMillis the modification time, or -1 when the listing does not say
 * @param mtimePrecisionMillis how precise the mtime is: 1 for a directory walk or a manifest,
 *     60,000 for an autoindex page that shows minutes
 * @param sha256 lowercase hex, when the listing carries it (a peer's manifest); otherwise null
 * @param linkTarget where a symbolic link points; null for anything else
 */
public record TreeEntry(
    String path,
    Type type,
    long size,
    long mtimeMillis,
    long mtimePrecisionMillis,
    String sha256,
    String linkTarget) {

  public enum Type {
    FILE,
    SYMLINK
  }

  public static TreeEntry file(String path, long size, long mtimeMillis, String sha256) {
    return new TreeEntry(path, Type.FILE, size, mtimeMillis, 1, sha256, null);
  }

  public static TreeEntry link(String path, String target, long mtimeMillis) {
    return new TreeEntry(path, Type.SYMLINK, target.length(), mtimeMillis, 1, null, target);
  }
}
