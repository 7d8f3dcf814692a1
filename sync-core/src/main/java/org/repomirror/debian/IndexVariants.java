package org.repomirror.debian;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Picks one readable variant of each Packages or Sources index among those present. */
public final class IndexVariants {
  /** The order in which the variants of an index are preferred: the best compressed first. */
  public static final List<Compression> PREFERENCE =
      List.of(
          Compression.XZ,
          Compression.GZIP,
          Compression.BZIP2,
          Compression.ZSTD,
          Compression.LZMA,
          Compression.NONE);

  private IndexVariants() {}

  /** One path per index: xz, then gz, bz2, zst, lzma, plain; by-hash copies are ignored. */
  public static List<String> choose(Iterable<String> available) {
    Map<String, String> chosen = new LinkedHashMap<>();
    for (Compression c : PREFERENCE) {
      for (String path : available) {
        if (path.contains("/by-hash/") || Compression.ofFileName(path) != c) continue;
        String plain = Compression.stripExtension(path);
        String name = plain.substring(plain.lastIndexOf('/') + 1);
        if ((name.equals("Packages") || name.equals("Sources")) && !chosen.containsKey(plain)) {
          chosen.put(plain, path);
        }
      }
    }
    return new ArrayList<>(chosen.values());
  }
}
