package org.repomirror.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.repomirror.config.StoreConfig;
import org.repomirror.store.PublishedFiles;
import org.repomirror.store.s3.S3Store;
import org.repomirror.sync.MirrorLayout;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A mirror's published tree opened for reading: its root folder, or the object store its last sync
 * noted there. Closing it closes the store's client.
 */
record OpenedTree(PublishedFiles files, S3Client s3) implements AutoCloseable {
  static OpenedTree of(Path root) throws IOException {
    Optional<StoreConfig> store = new MirrorLayout(root).publishedElsewhere();
    if (store.isEmpty()) return new OpenedTree(PublishedFiles.inFolder(root), null);
    S3Store s = S3Store.of(store.get());
    S3Client s3 = s.client();
    return new OpenedTree(s.files(s3), s3);
  }

  @Override
  public void close() {
    if (s3 != null) s3.close();
  }
}
