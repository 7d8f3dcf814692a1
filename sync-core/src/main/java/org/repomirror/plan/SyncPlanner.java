package org.repomirror.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.index.FileRecord;
import org.repomirror.index.FileState;

/**
 * Decides, as a pure function of its inputs, what to do about each wanted file: reuse it when the
 * index holds it as published with the wanted size and checksums and the disk still holds it with
 * the recorded size and mtime; otherwise fetch it, as a new path or as a replacement of what is
 * there. A path wanted twice (suites sharing one pool) is planned once.
 */
public final class SyncPlanner {
  private SyncPlanner() {}

  public static SyncPlan plan(Collection<Wanted> wanted, IndexView index, DiskView disk) {
    Planning planning = new Planning(index, disk);
    wanted.forEach(planning::decide);
    return planning.plan();
  }

  /** What to do about one wanted file. */
  public enum Decision {
    /** A new path: fetch it. */
    FETCH,
    /** The mirror has other content at the path: fetch it, to publish with what wants it. */
    REPLACE,
    /** The mirror has it as wanted. */
    REUSE,
    /** The path was decided already, for an earlier want of it. */
    SEEN
  }

  /**
   * A plan made one wanted file at a time, as indexes are read: each path is decided when first
   * wanted, so that its fetch can start at once. Not thread-safe.
   */
  public static final class Planning {
    private final IndexView index;
    private final DiskView disk;
    private final Map<String, Wanted> first = new HashMap<>();
    private final List<Wanted> fetch = new ArrayList<>();
    private final List<Wanted> replace = new ArrayList<>();
    private final List<Wanted> reuse = new ArrayList<>();
    private final List<String> conflicts = new ArrayList<>();

    public Planning(IndexView index, DiskView disk) {
      this.index = index;
      this.disk = disk;
    }

    /** Decides a wanted file: one stat, and one index read, when its path is new to the plan. */
    public Decision decide(Wanted w) {
      Wanted earlier = first.putIfAbsent(w.path(), w);
      if (earlier != null) {
        if (!sameContent(earlier, w)) conflicts.add(w.path());
        return Decision.SEEN;
      }
      Optional<DiskView.OnDisk> there = disk.stat(w.path());
      if (there.isEmpty()) {
        fetch.add(w);
        return Decision.FETCH;
      }
      if (current(w, index.file(w.path()), there.get())) {
        reuse.add(w);
        return Decision.REUSE;
      }
      replace.add(w);
      return Decision.REPLACE;
    }

    /** The plan of every file decided so far. */
    public SyncPlan plan() {
      return new SyncPlan(fetch, replace, reuse, conflicts);
    }
  }

  /** Whether the mirror's copy is the wanted file, as far as the index and one stat can tell. */
  static boolean current(Wanted w, Optional<FileRecord> known, DiskView.OnDisk there) {
    if (known.isEmpty()) return false;
    FileRecord r = known.get();
    return (r.state() == FileState.PUBLISHED || r.state() == FileState.UPSTREAM_MISMATCH)
        && !r.isLink()
        && (w.expected().size() == ExpectedFile.UNKNOWN_SIZE || r.size() == w.expected().size())
        && w.expected().hashes() != null
        && w.expected().hashes().matches(r.hashes())
        && there.regularFile()
        && there.size() == r.size()
        && there.mtimeMillis() == r.mtimeMillis();
  }

  /** Same size, and no checksum both give that differs (an MD5-only index agrees with any). */
  private static boolean sameContent(Wanted a, Wanted b) {
    if (a.expected().size() != b.expected().size()) return false;
    if (a.expected().hashes() == null || b.expected().hashes() == null) return true;
    Map<HashAlgorithm, String> theirs = b.expected().hashes().values();
    return a.expected().hashes().values().entrySet().stream()
        .allMatch(
            e -> !theirs.containsKey(e.getKey()) || theirs.get(e.getKey()).equals(e.getValue()));
  }
}
