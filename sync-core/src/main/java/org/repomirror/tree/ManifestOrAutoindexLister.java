package org.repomirror.tree;

import java.io.IOException;
import java.util.function.Consumer;
import org.repomirror.index.Index;
import org.repomirror.source.FetchException;
import org.repomirror.tree.format.TreeEntry;

/**
 * Lists an HTTP upstream from a peer's manifest when it publishes one, and otherwise by crawling
 * its directory index pages.
 */
public final class ManifestOrAutoindexLister implements TreeLister {
  private final ManifestLister manifest;
  private final AutoindexLister autoindex;
  private TreeLister used;

  public ManifestOrAutoindexLister(ManifestLister manifest, AutoindexLister autoindex) {
    this.manifest = manifest;
    this.autoindex = autoindex;
  }

  @Override
  public Result list(Index index, Consumer<TreeEntry> sink, SkipSink skipped)
      throws IOException, InterruptedException {
    try {
      used = manifest;
      return manifest.list(index, sink, skipped);
    } catch (FetchException e) {
      if (e.kind() != FetchException.Kind.NOT_FOUND) throw e;
      used = autoindex; // not a repomirror peer: no entry was listed yet
      return autoindex.list(index, sink, skipped);
    }
  }

  @Override
  public Verification verification() {
    return used == autoindex ? autoindex.verification() : manifest.verification();
  }

  @Override
  public String source() {
    return used == autoindex ? autoindex.source() : manifest.source();
  }

  @Override
  public void commitValidators(Index.Batch batch) {
    if (used == manifest) manifest.commitValidators(batch);
  }

  /** The lister that did the listing. */
  public TreeLister used() {
    return used;
  }
}
