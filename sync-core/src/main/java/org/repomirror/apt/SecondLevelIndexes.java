package org.repomirror.apt;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.repomirror.debian.ChecksumsFile;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.PdiffIndex;

/**
 * The files a Release lists that list more files the Release does not name: an index's patches,
 * named by its {@code .diff/Index}, and a debian-installer's images, named by {@code
 * installer-<arch>/<version>/images/SHA256SUMS} (or {@code MD5SUMS} where there is no SHA256SUMS).
 * Their files belong to the suite, verified along the chain Release → second-level index → file.
 * Shared by the sync (what to fetch) and verify (what must match). Pure.
 */
public final class SecondLevelIndexes {
  private static final Pattern IMAGE_SUMS =
      Pattern.compile("(^|.*/)installer-[^/]+/[^/]+/images/(SHA256SUMS|MD5SUMS)$");

  private SecondLevelIndexes() {}

  /** Whether a path names a second-level index. */
  public static boolean isOne(String path) {
    return path.endsWith(".diff/Index") || IMAGE_SUMS.matcher(path).matches();
  }

  /**
   * Of the files present, the second-level indexes to read: every patches Index, and for each
   * images folder its SHA256SUMS, or its MD5SUMS when it has no SHA256SUMS.
   */
  public static List<String> choose(Collection<String> present) {
    Set<String> all = Set.copyOf(present);
    List<String> chosen = new ArrayList<>();
    for (String path : present) {
      if (path.contains("/by-hash/") || !isOne(path)) continue;
      if (path.endsWith("/MD5SUMS") && all.contains(folder(path) + "SHA256SUMS")) continue;
      chosen.add(path);
    }
    return chosen;
  }

  /**
   * Reads one, handing over the files it lists by path relative to the mirror root.
   *
   * @param indexPath the second-level index's own path, relative to the mirror root
   * @throws FormatException naming the index when it is malformed
   */
  public static void read(String indexPath, InputStream in, Consumer<ExpectedFile> sink)
      throws IOException {
    String folder = folder(indexPath);
    List<ExpectedFile> listed;
    try {
      if (indexPath.endsWith(".diff/Index")) {
        listed = PdiffIndex.downloads(in);
      } else {
        HashAlgorithm algorithm =
            indexPath.endsWith("/SHA256SUMS") ? HashAlgorithm.SHA256 : HashAlgorithm.MD5;
        listed = ChecksumsFile.entries(in, algorithm);
      }
    } catch (FormatException e) {
      throw new FormatException(indexPath + ": " + e.getMessage(), 0);
    }
    for (ExpectedFile f : listed) {
      sink.accept(new ExpectedFile(folder + f.path(), f.size(), f.hashes()));
    }
  }

  private static String folder(String path) {
    return path.substring(0, path.lastIndexOf('/') + 1);
  }
}
