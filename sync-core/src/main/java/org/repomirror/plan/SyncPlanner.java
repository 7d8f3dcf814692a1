package org.repomirror.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
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
    Map<String, Wanted> unique = new LinkedHashMap<>();
    List<String> conflicts = new ArrayList<>();
    for (Wanted w : wanted) {
      Wanted first = unique.putIfAbsent(w.path(), w);
      if (first != null && !sameContent(first, w)) conflicts.add(w.path());
    }
    List<Wanted> fetch = new ArrayList<>();
    List<Wanted> replace = new ArrayList<>();
    List<Wanted> reuse = new ArrayList<>();
    for (Wanted w : unique.values()) {
      Optional<DiskView.OnDisk> there = disk.stat(w.path());
      if (there.isEmpty()) {
        fetch.add(w);
      } else if (current(w, index.file(w.path()), there.get())) {
        reuse.add(w);
      } else {
        replace.add(w);
      }
    }
    return new SyncPlan(fetch, replace, reuse, conflicts);
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
