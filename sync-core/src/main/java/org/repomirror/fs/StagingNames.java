package org.repomirror.fs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import org.repomirror.debian.HashAlgorithm;

/**
 * Where a file is staged: in one flat folder, under a name that encodes its whole path, so that
 * staging a tree costs no folder per directory of it (a pool has one per source package, and each
 * mkdir and rmdir is a journal commit). The name is the path with {@code %} and {@code /} escaped;
 * a path too long for one name gets its SHA-256 instead, with its file name kept for reading.
 */
public final class StagingNames {
  /** Names stay well under the 255 bytes a file name may have, with room for {@code .part}. */
  private static final int MAX_NAME_BYTES = 200;

  private StagingNames() {}

  /** The staged file for a path relative to the mirror root. */
  public static Path of(Path staging, String localPath) {
    String name = localPath.replace("%", "%25").replace("/", "%2F");
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      String hash =
          HexFormat.of()
              .formatHex(
                  HashAlgorithm.SHA256
                      .newDigest()
                      .digest(localPath.getBytes(StandardCharsets.UTF_8)));
      String file = localPath.substring(localPath.lastIndexOf('/') + 1);
      name = hash + "-" + truncate(file, MAX_NAME_BYTES - hash.length() - 1);
    }
    return staging.resolve(name);
  }

  private static String truncate(String s, int maxBytes) {
    StringBuilder out = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + n > maxBytes) break;
      out.appendCodePoint(cp);
      bytes += n;
      i += Character.charCount(cp);
    }
    return out.toString();
  }
}
