package org.repomirror.apt;

/** Rules for the names of dists folders, such as {@code extras-devel/dists/fremantle}. */
public final class Dists {
  private Dists() {}

  /** The folder without leading or trailing slashes. */
  public static String normalize(String dist) {
    return dist.replaceAll("^/+|/+$", "");
  }

  /**
   * The archive base of a dists folder: the part before {@code dists/}, where the pool paths of its
   * indexes start ({@code extras-devel/} for {@code extras-devel/dists/fremantle}).
   */
  public static String base(String dist) {
    int at = dist.startsWith("dists/") ? 0 : dist.indexOf("/dists/") + 1;
    return at <= 0 ? "" : dist.substring(0, at);
  }

  /** Whether a path lies under some {@code dists/} folder: apt metadata, published last. */
  public static boolean isMetadata(String path) {
    return path.startsWith("dists/") || path.contains("/dists/");
  }
}
