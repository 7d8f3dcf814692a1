package org.repomirror.tree;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.repomirror.debian.FormatException;
import org.repomirror.index.Index;
import org.repomirror.source.Upstream;
import org.repomirror.source.UpstreamValidators;
import org.repomirror.tree.format.Manifest;
import org.repomirror.tree.format.TreeEntry;

/**
 * Lists a peer repomirror's tree from the manifest it publishes. The manifest is fetched
 * conditionally: when the peer's tree has not changed since the last complete sync, the whole
 * listing is one request answered 304.
 */
public final class ManifestLister implements TreeLister {
  private static final int MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

  private final Upstream upstream;
  private UpstreamValidators fetched;

  public ManifestLister(Upstream upstream) {
    this.upstream = upstream;
  }

  @Override
  public Result list(Index index, Consumer<TreeEntry> sink, SkipSink skipped) throws IOException {
    String url = upstream.url(Manifest.PATH);
    Upstream.Conditional c =
        upstream.fetch(Manifest.PATH, index.validators(url).orElse(null), MAX_MANIFEST_BYTES);
    if (c instanceof Upstream.NotModified) return Result.UNCHANGED;
    Upstream.Body body = (Upstream.Body) c;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body.bytes()), 65536)) {
      Manifest.read(in, sink);
    } catch (FormatException e) {
      throw new FormatException(url + ": " + e.getMessage(), 0);
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new FormatException(url + ": not a gzip-compressed manifest: " + e.getMessage(), 0);
    }
    fetched = body.validators();
    return Result.LISTED;
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
