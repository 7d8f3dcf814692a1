package org.repomirror.tree;

import java.io.IOException;
import java.util.function.Consumer;
import org.repomirror.index.Index;
import org.repomirror.source.Upstream;
import org.repomirror.source.UpstreamValidators;
import org.repomirror.tree.format.Manifest;
import org.repomirror.tree.format.TreeEntry;

/**
 * Lists a peer repomirror's tree from the manifest it publishes. The manifest is fetched
 * conditionally: when the peer's tree has not changed since the last complete sync, the whole
 * listing is one request answered 304. Otherwise it is read while it arrives ({@link
 * ArrivingManifest}).
 */
public final class ManifestLister implements TreeLister {
  private static final int MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

  private final Upstream upstream;
  private UpstreamValidators fetched;

  public ManifestLister(Upstream upstream) {
    this.upstream = upstream;
  }

  @Override
  public Result list(Index index, Consumer<TreeEntry> sink, SkipSink skipped)
      throws IOException, InterruptedException {
    String url = upstream.url(Manifest.PATH);
    try (ArrivingManifest manifest = new ArrivingManifest(url, sink, BatchThreads.PER_CORE)) {
      Upstream.Conditional c =
          upstream.fetch(
              Manifest.PATH, index.validators(url).orElse(null), MAX_MANIFEST_BYTES, manifest);
      if (c instanceof Upstream.NotModified) return Result.UNCHANGED;
      manifest.finish();
      fetched = ((Upstream.Body) c).validators();
      return Result.LISTED;
    }
  }

  @Override
  public String source() {
    return "manifest";
  }

  @Override
  public Verification verification() {
    return Verification.MANIFEST_SHA256;
  }

  @Override
  public void commitValidators(Index.Batch batch) {
    if (fetched != null) batch.putValidators(upstream.url(Manifest.PATH), fetched);
  }
}
