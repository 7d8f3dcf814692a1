package org.repomirror.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.repomirror.store.PublishedFiles;

/**
 * The published tree in a bucket as {@code verify} and {@code status} read it: one listing says
 * what is there, and an object's mtime and link target come from its own HEAD, asked when wanted.
 * Keeps no journal: what a reader learns is not written anywhere.
 */
final class BucketFiles implements PublishedFiles {
  private final Bucket bucket;
  private final BucketCatalog catalog;

  BucketFiles(Bucket bucket) {
    this.bucket = bucket;
    this.catalog = new BucketCatalog(bucket, null);
  }

  @Override
  public Optional<Entry> entry(String path) throws IOException {
    try {
      return catalog
          .stat(path)
          .map(
              d ->
                  new Entry(
                      d.regularFile(),
                      d.size(),
                      d.mtimeMillis(),
                      catalog.linkTarget(path).orElse(null)));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public InputStream open(String path) throws IOException {
    return bucket.open(path);
  }

  @Override
  public void forEachPath(Consumer<String> visit) throws IOException {
    bucket.list(
        "",
        o -> {
          if (!o.path().startsWith(BucketTree.STATE)) visit.accept(o.path());
        });
  }

  @Override
  public String where() {
    return bucket.url("");
  }
}
