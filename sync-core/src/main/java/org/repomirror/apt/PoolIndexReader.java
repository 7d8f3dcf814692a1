package org.repomirror.apt;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.repomirror.debian.Compression;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.PackagesIndex;
import org.repomirror.debian.SourcesIndex;

/**
 * Reads the pool files a Packages or Sources index lists, in any compression, as paths relative to
 * the mirror root. Shared by the sync (what to fetch) and verify (what must be there).
 */
public final class PoolIndexReader {
  private PoolIndexReader() {}

  /**
   * @param indexPath the index's path, which names its kind and compression
   * @param raw its bytes as stored (compressed)
   * @param base the archive base its pool paths are relative to, "" or ending in a slash
   * @throws FormatException naming the index when it is malformed
   */
  public static void read(
      String indexPath, InputStream raw, String base, Consumer<ExpectedFile> sink)
      throws IOException {
    Compression c = Compression.ofFileName(indexPath);
    try (InputStream in = c.open(raw)) {
      if (Compression.stripExtension(indexPath).endsWith("/Packages")) {
        try (PackagesIndex packages = new PackagesIndex(in)) {
          for (Optional<ExpectedFile> f = packages.next(); f.isPresent(); f = packages.next()) {
            sink.accept(rebased(base, f.get()));
          }
        }
      } else {
        try (SourcesIndex sources = new SourcesIndex(in)) {
          for (Optional<List<ExpectedFile>> files = sources.next();
              files.isPresent();
              files = sources.next()) {
            files.get().forEach(f -> sink.accept(rebased(base, f)));
          }
        }
      }
    } catch (FormatException e) {
      throw new FormatException(indexPath + ": " + e.getMessage(), 0);
    }
  }

  private static ExpectedFile rebased(String base, ExpectedFile f) {
    return base.isEmpty() ? f : new ExpectedFile(base + f.path(), f.size(), f.hashes());
  }
}
