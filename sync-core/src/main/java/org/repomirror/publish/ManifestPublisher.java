package org.repomirror.publish;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.fs.FileHashes;
import org.repomirror.fs.StagingNames;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.store.PublishedTree;
import org.repomirror.tree.format.Manifest;
import org.repomirror.tree.format.ManifestPatch;
import org.repomirror.tree.format.TreeEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the manifest of the mirror's tree, from the index, for downstream instances. The file
 * is replaced only when its content changes (its gzip, in members compressed on several cores, has
 * no timestamp and depends on the content alone), so that an unchanged tree keeps its Last-Modified
 * and ETag, and a downstream's conditional request gets a 304.
 *
 * <p>When the index can name every path changed since it marked the published manifest as its own,
 * the manifest is patched: the lines of those paths are written anew and the rest copied, which
 * gives the same bytes as writing every entry from the index. Anything else (no mark, a mark of
 * another file, changes made before this run's index opened, too many) writes every entry.
 */
public final class ManifestPublisher {
  private static final Logger log = LoggerFactory.getLogger(ManifestPublisher.class);

  private ManifestPublisher() {}

  /**
   * What publishing did.
   *
   * @param changed whether the published manifest changed
   * @param patched whether it was patched rather than written whole
   */
  public record Published(boolean changed, boolean patched) {}

  /**
   * @param excluded paths to leave out (this instance's own outputs)
   */
  public static Published publish(PublishedTree tree, Index index, Predicate<String> excluded)
      throws IOException {
    Path staged = StagingNames.of(tree.staging(), Manifest.PATH);
    String published = tree.exists(Manifest.PATH) ? hashOfPublished(tree) : null;
    Optional<Index.FilesSinceMark> since = index.filesSinceMark();
    boolean patched =
        published != null
            && since.isPresent()
            && since.get().mark().equals(published)
            && patch(tree, index, since.get().changed(), excluded, staged);
    if (!patched) writeWhole(index, excluded, staged);
    String hash = FileHashes.hex(staged, HashAlgorithm.SHA256);
    boolean changed = !hash.equals(published);
    if (changed) {
      tree.placeContent(List.of(new PublishedTree.Staged(staged, Manifest.PATH)));
    } else {
      tree.discard(staged);
    }
    index.markFiles(hash);
    if (patched) log.debug("manifest patched: {} paths changed", since.get().changed().size());
    return new Published(changed, patched);
  }

  private static void writeWhole(Index index, Predicate<String> excluded, Path staged)
      throws IOException {
    try (OutputStream file = Files.newOutputStream(staged);
        Manifest.Writer out = new Manifest.Writer(new ParallelGzip(file))) {
      index.forEachFile(
          "",
          r -> {
            try {
              Optional<TreeEntry> e = entryOf(r, excluded);
              if (e.isPresent()) out.write(e.get());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The published manifest with the changed paths' lines written anew; false when it cannot be. */
  private static boolean patch(
      PublishedTree tree,
      Index index,
      Iterable<String> changed,
      Predicate<String> excluded,
      Path staged)
      throws IOException {
    List<String> paths = new ArrayList<>();
    changed.forEach(paths::add);
    List<Optional<FileRecord>> records = index.files(paths);
    Map<String, Optional<TreeEntry>> now = new HashMap<>(paths.size() * 2);
    for (int i = 0; i < paths.size(); i++) {
      now.put(paths.get(i), records.get(i).flatMap(r -> entryOf(r, excluded)));
    }
    try (InputStream before =
            new GzipCompressorInputStream(new BufferedInputStream(tree.open(Manifest.PATH)), true);
        OutputStream file = Files.newOutputStream(staged);
        Manifest.Writer out = new Manifest.Writer(new ParallelGzip(file))) {
      ManifestPatch.apply(before, now, out);
      return true;
    } catch (FormatException e) {
      log.warn("the published manifest cannot be patched ({}); writing it whole", e.getMessage());
      return false;
    }
  }

  private static String hashOfPublished(PublishedTree tree) throws IOException {
    try (InputStream published = tree.open(Manifest.PATH)) {
      return FileHashes.hex(published, HashAlgorithm.SHA256);
    }
  }

  /** A record's entry in the manifest: none for an excluded path or one without a SHA-256. */
  private static Optional<TreeEntry> entryOf(FileRecord r, Predicate<String> excluded) {
    Optional<String> sha = r.hashes().get(HashAlgorithm.SHA256);
    if (excluded.test(r.path()) || sha.isEmpty()) return Optional.empty();
    return Optional.of(
        r.isLink()
            ? new TreeEntry(
                r.path(),
                TreeEntry.Type.SYMLINK,
                r.size(),
                r.mtimeMillis(),
                1,
                sha.get(),
                r.linkTarget())
            : TreeEntry.file(r.path(), r.size(), r.mtimeMillis(), sha.get()));
  }
}
