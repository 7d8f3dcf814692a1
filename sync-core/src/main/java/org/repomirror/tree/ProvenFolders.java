package org.repomirror.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.repomirror.index.Index;
import org.repomirror.store.PublishedTree;

/**
 * The mirror's folders whose files the index vouches for without a stat of each. A folder's mtime
 * changes whenever an entry in it is created, removed or renamed; so while it is the mtime recorded
 * when every file in it was last checked, no file of it was deleted or replaced behind the mirror's
 * back, and a no-change sync stats the folder instead of its files. A file rewritten in place keeps
 * its folder's mtime: that drift is left to {@code verify}, which compares every file with its
 * record.
 *
 * <p>A folder's mtime is recorded only by a run that listed the whole tree with no failure, checked
 * every file of the folder (with a stat, or through the proof), and found the same mtime at the end
 * as at its first look; and only when that mtime is older than the run's start by more than a
 * filesystem's coarsest timestamp. So any change after the first look, the run's own renames
 * included, shows as a later mtime, and a change within the same tick as the last one cannot hide.
 * Thread-safe.
 */
final class ProvenFolders {
  static final String META_PREFIX = "proven-folder/";

  /** FAT and some NFS servers keep mtimes to 2 s; the kernel's own clock ticks far finer. */
  static final long RACY_MILLIS = 2_000;

  private final Index index;
  private final PublishedTree tree;
  private final long runStartMillis;
  private final Map<String, Folder> folders = new ConcurrentHashMap<>();

  /**
   * @param runStartMillis the time the run began, as the filesystem's clock tells it ({@link
   *     #filesystemNow}; not the run's clock, which tests set elsewhere)
   */
  ProvenFolders(Index index, PublishedTree tree, long runStartMillis) {
    this.index = index;
    this.tree = tree;
    this.runStartMillis = runStartMillis;
  }

  /**
   * Now, as the filesystem tells it: the mtime of a file just made in a folder of it. This is the
   * clock the folders' mtimes are compared with (a network filesystem's server keeps its own).
   */
  static long filesystemNow(Path folder) throws IOException {
    Files.createDirectories(folder);
    Path probe = Files.createTempFile(folder, "clock", ".tmp");
    try {
      return Files.getLastModifiedTime(probe).toMillis();
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** A folder as first seen in this run. */
  private static final class Folder {
    /** The folder's mtime at the first look, or -1 when it is not a folder. */
    final long mtimeAtFirstLook;

    /** The mtime an earlier run recorded, or -1 for none. */
    final long recorded;

    Folder(long mtimeAtFirstLook, long recorded) {
      this.mtimeAtFirstLook = mtimeAtFirstLook;
      this.recorded = recorded;
    }

    boolean proven() {
      return recorded >= 0 && recorded == mtimeAtFirstLook;
    }
  }

  /** Whether the files of this path's folder may be taken as the index records them. */
  boolean vouchesFor(String path) {
    return folder(parentOf(path)).proven();
  }

  private Folder folder(String folder) {
    return folders.computeIfAbsent(
        folder,
        f ->
            new Folder(
                mtime(f), index.meta(META_PREFIX + f).map(ProvenFolders::millis).orElse(-1L)));
  }

  /** A recorded mtime; one that cannot be read proves nothing, and the files are statted. */
  private static long millis(String recorded) {
    try {
      return Long.parseLong(recorded);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * After a complete listing of a run with no failures, before its deletions: records each folder
   * that earned it, and forgets the record of each that changed.
   */
  void record(Index.Batch batch) {
    folders.forEach(
        (name, f) -> {
          long now = mtime(name);
          boolean earned =
              now >= 0 && now == f.mtimeAtFirstLook && now < runStartMillis - RACY_MILLIS;
          if (earned && now != f.recorded) {
            batch.putMeta(META_PREFIX + name, Long.toString(now));
          } else if (!earned && f.recorded >= 0) {
            batch.deleteMeta(META_PREFIX + name);
          }
        });
  }

  /** The folder's mtime, or -1 when there is no folder at the path. */
  private long mtime(String folder) {
    try {
      return tree.folderMtime(folder).orElse(-1L);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
