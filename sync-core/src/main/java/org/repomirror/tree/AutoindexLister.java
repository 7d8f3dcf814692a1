package org.repomirror.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RecursiveAction;
import java.util.function.Consumer;
import org.repomirror.debian.ArchivePaths;
import org.repomirror.debian.FormatException;
import org.repomirror.index.Index;
import org.repomirror.source.Upstream;
import org.repomirror.tree.format.AutoindexParser;
import org.repomirror.tree.format.TreeEntry;

/**
 * Lists an HTTP upstream by crawling its directory index pages (Apache, nginx, repomirror), several
 * pages at a time. A page that cannot be fetched or parsed fails the whole listing, naming its URL:
 * a partial listing must never look like deletions.
 */
public final class AutoindexLister implements TreeLister {
  private static final int MAX_PAGE_BYTES = 64 * 1024 * 1024;

  private final Upstream upstream;
  private final int threads;

  public AutoindexLister(Upstream upstream, int threads) {
    this.upstream = upstream;
    this.threads = threads;
  }

  @Override
  public Result list(Index index, Consumer<TreeEntry> sink, SkipSink skipped) throws IOException {
    ParallelWalk.run(threads, new Crawl("", sink, skipped));
    return Result.LISTED;
  }

  @Override
  public String source() {
    return "autoindex";
  }

  @Override
  public Verification verification() {
    return Verification.SIZE_MTIME;
  }

  private final class Crawl extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final String prefix;
    private final transient Consumer<TreeEntry> sink;
    private final transient SkipSink skipped;

    Crawl(String prefix, Consumer<TreeEntry> sink, SkipSink skipped) {
      this.prefix = prefix;
      this.sink = sink;
      this.skipped = skipped;
    }

    @Override
    protected void compute() {
      List<AutoindexParser.Row> rows;
      try {
        Upstream.Body page = (Upstream.Body) upstream.fetch(prefix, null, MAX_PAGE_BYTES);
        rows = AutoindexParser.parse(new String(page.bytes(), StandardCharsets.UTF_8));
      } catch (FormatException e) {
        throw new UncheckedIOException(
            new IOException(
                upstream.url(prefix) + ": cannot read the directory index: " + e.getMessage(), e));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<Crawl> subdirectories = new ArrayList<>();
      for (AutoindexParser.Row row : rows) {
        String path = prefix + row.name();
        try {
          ArchivePaths.requireSafe(path, 0);
        } catch (FormatException e) {
          skipped.skipped(path, e.getMessage());
          continue;
        }
        if (row.directory()) {
          subdirectories.add(new Crawl(path + "/", sink, skipped));
        } else {
          sink.accept(
              new TreeEntry(
                  path,
                  TreeEntry.Type.FILE,
                  row.size(),
                  row.mtimeMillis(),
                  row.precisionMillis(),
                  null,
                  null));
        }
      }
      invokeAll(subdirectories);
    }
  }
}
