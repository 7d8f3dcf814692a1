package org.repomirror.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.fs.FileHashes;
import org.repomirror.fs.StagingNames;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.store.PublishedTree;
import org.repomirror.tree.format.Manifest;
import org.repomirror.tree.format.TreeEntry;

/**
 * Publishes the manifest of the mirror's tree, from the index, for downstream instances. The file
 * is replaced only when its content changes (its gzip, in members compressed on several cores, has
 * no timestamp and depends on the content alone), so that an unchanged tree keeps its Last-Modified
 * and ETag, and a downstream's conditional request gets a 304.
 */
public final class ManifestPublisher {
  private ManifestPublisher() {}

  /**
   * @param excluded paths to leave out (this instance's own outputs)
   * @return whether the published manifest changed
   */
  public static boolean publish(PublishedTree tree, Index index, Predicate<String> excluded)
      throws IOException {
    Path staged = StagingNames.of(tree.staging(), Manifest.PATH);
    try (OutputStream file = Files.newOutputStream(staged);
        Manifest.Writer out = new Manifest.Writer(new ParallelGzip(file))) {
      index.forEachFile(
          "",
          r -> {
            if (excluded.test(r.path()) || r.hashes().get(HashAlgorithm.SHA256).isEmpty()) return;
            try {
              out.write(entryOf(r));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (sameAsPublished(tree, staged)) {
      tree.discard(staged);
      return false;
    }
    tree.placeContent(List.of(new PublishedTree.Staged(staged, Manifest.PATH)));
    return true;
  }

  private static boolean sameAsPublished(PublishedTree tree, Path staged) throws IOException {
    if (!tree.exists(Manifest.PATH)) return false;
    try (InputStream published = tree.open(Manifest.PATH)) {
      return FileHashes.hex(staged, HashAlgorithm.SHA256)
          .equals(FileHashes.hex(published, HashAlgorithm.SHA256));
    }
  }

  private static TreeEntry entryOf(FileRecord r) {
    String sha = r.hashes().get(HashAlgorithm.SHA256).orElseThrow();
    return r.isLink()
        ? new TreeEntry(
            r.path(), TreeEntry.Type.SYMLINK, r.size(), r.mtimeMillis(), 1, sha, r.linkTarget())
        : TreeEntry.file(r.path(), r.size(), r.mtimeMillis(), sha);
  }
}
