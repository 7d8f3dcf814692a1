package org.repomirror.source;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.repomirror.debian.FormatException;
import org.repomirror.tree.format.AutoindexParser;

/**
 * Finds the lock file Debian's ftpsync keeps at the top of an archive while it updates it: {@code
 * Archive-Update-in-Progress-<hostname>}.
 */
public final class UpdateLocks {
  static final String PREFIX = "Archive-Update-in-Progress-";

  private UpdateLocks() {}

  /**
   * @param base a folder of the upstream, "" or ending in a slash
   * @return the lock file's path, when there is one
   */
  public static Optional<String> find(Upstream upstream, String base) throws IOException {
    if (upstream instanceof LocalUpstream local) {
      try (DirectoryStream<Path> names =
          Files.newDirectoryStream(local.root().resolve(base), PREFIX + "*")) {
        for (Path p : names) return Optional.of(base + p.getFileName());
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
      return Optional.empty();
    }
    // The lock named after the upstream's own host, which is how ftpsync names it...
    String named = base + PREFIX + URI.create(upstream.url("")).getHost();
    try {
      upstream.fetch(named, null, 1 << 20);
      return Optional.of(named);
    } catch (FetchException e) {
      if (e.kind() != FetchException.Kind.NOT_FOUND) throw e;
    }
    // ...and any other, when the folder has a directory listing.
    try {
      Upstream.Body page = (Upstream.Body) upstream.fetch(base, null, 16 << 20);
      for (AutoindexParser.Row row :
          AutoindexParser.parse(new String(page.bytes(), StandardCharsets.UTF_8))) {
        if (row.name().startsWith(PREFIX)) return Optional.of(base + row.name());
      }
    } catch (FetchException | FormatException e) {
      // no listing to look at
    }
    return Optional.empty();
  }
}
