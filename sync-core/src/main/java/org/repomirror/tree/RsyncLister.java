package org.repomirror.tree;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.repomirror.debian.ArchivePaths;
import org.repomirror.debian.FormatException;
import org.repomirror.index.Index;
import org.repomirror.source.rsync.RsyncListing;
import org.repomirror.source.rsync.RsyncUpstream;
import org.repomirror.tree.format.TreeEntry;
import org.repomirror.tree.format.TreePaths;

/**
 * Lists an rsync upstream's tree in one run of {@code rsync --list-only}: the old host walks its
 * own tree, and no walk of the mirror's is needed. The lines are read on one thread and the entries
 * decided on every core ({@link BatchThreads}). Sizes are exact; mtimes are whole seconds. Hidden
 * entries are left out, as the server would not serve them, and so is everything under a hidden
 * folder, said once for the folder.
 */
public final class RsyncLister implements TreeLister {
  private final RsyncUpstream upstream;

  public RsyncLister(RsyncUpstream upstream) {
    this.upstream = upstream;
  }

  @Override
  public Result list(Index index, Consumer<TreeEntry> sink, SkipSink skipped)
      throws IOException, InterruptedException {
    try (BatchThreads<TreeEntry> deciding =
        new BatchThreads<>("rsync-listing", BatchThreads.PER_CORE, batch -> batch.forEach(sink))) {
      upstream.list(
          e -> {
            try {
              listed(e, deciding::add, skipped);
            } catch (InterruptedException x) {
              Thread.currentThread().interrupt();
              throw new UncheckedIOException(new InterruptedIOException("listing stopped"));
            }
          });
      deciding.finish();
    }
    return Result.LISTED;
  }

  /** Hands an entry on, as {@code sink} would (which may wait for the threads that decide). */
  @FunctionalInterface
  private interface Handing {
    void accept(TreeEntry e) throws InterruptedException;
  }

  private static void listed(RsyncListing.Entry e, Handing sink, SkipSink skipped)
      throws InterruptedException {
    try {
      ArchivePaths.requireSafe(e.path(), 0);
    } catch (FormatException x) {
      if (!underHiddenFolder(e.path())) skipped.skipped(e.path(), x.getMessage());
      return;
    }
    switch (e.type()) {
      case DIRECTORY -> {}
      case FILE ->
          sink.accept(
              new TreeEntry(
                  e.path(),
                  TreeEntry.Type.FILE,
                  e.size(),
                  e.mtimeMillis(),
                  RsyncListing.MTIME_PRECISION_MILLIS,
                  null,
                  null));
      case SYMLINK -> {
        if (TreePaths.linkStaysInside(e.path(), e.linkTarget())) {
          sink.accept(TreeEntry.link(e.path(), e.linkTarget(), e.mtimeMillis()));
        } else {
          skipped.skipped(e.path(), "symbolic link leaves the tree (-> " + e.linkTarget() + ")");
        }
      }
      case OTHER -> skipped.skipped(e.path(), "not a regular file, directory or symbolic link");
    }
  }

  /** Whether a path lies in a hidden folder, which was said to be skipped already. */
  private static boolean underHiddenFolder(String path) {
    int last = path.lastIndexOf('/');
    if (last < 0) return false;
    for (String segment : path.substring(0, last).split("/")) {
      if (segment.startsWith(".")) return true;
    }
    return false;
  }

  @Override
  public Verification verification() {
    return Verification.SIZE_MTIME;
  }

  @Override
  public String source() {
    return "rsync";
  }
}
