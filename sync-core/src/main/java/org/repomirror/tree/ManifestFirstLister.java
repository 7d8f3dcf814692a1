package org.repomirror.tree;

import java.io.IOException;
import java.util.function.Consumer;
import org.repomirror.index.Index;
import org.repomirror.source.FetchException;
import org.repomirror.tree.format.TreeEntry;

/**
 * Lists an upstream from a peer's manifest when it publishes one, and otherwise as another lister
 * does: by crawling an HTTP upstream's directory index pages, or by rsync's own listing.
 */
public final class ManifestFirstLister implements TreeLister {
  private final ManifestLister manifest;
  private final TreeLister fallback;
  private TreeLister used;

  public ManifestFirstLister(ManifestLister manifest, TreeLister fallback) {
    this.manifest = manifest;
    this.fallback = fallback;
  }

  @Override
  public Result list(Index index, Consumer<TreeEntry> sink, SkipSink skipped)
      throws IOException, InterruptedException {
    try {
      used = manifest;
      return manifest.list(index, sink, skipped);
    } catch (FetchException e) {
      if (e.kind() != FetchException.Kind.NOT_FOUND) throw e;
      used = fallback; // not a repomirror peer: no entry was listed yet
      return fallback.list(index, sink, skipped);
    }
  }

  @Override
  public Verification verification() {
    return used == fallback ? fallback.verification() : manifest.verification();
  }

  @Override
  public String source() {
    return used == fallback ? fallback.source() : manifest.source();
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
