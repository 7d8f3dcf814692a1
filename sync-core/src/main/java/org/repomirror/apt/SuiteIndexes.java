package org.repomirror.apt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.repomirror.debian.Compression;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.IndexVariants;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.plan.DiskView;
import org.repomirror.plan.IndexView;
import org.repomirror.plan.SyncPlan;
import org.repomirror.plan.SyncPlanner;
import org.repomirror.plan.Wanted;
import org.repomirror.run.Ledger;
import org.repomirror.store.PublishedTree;
import org.repomirror.transfer.FetchOutcome;

/**
 * The indexes of one suite with a new Release while {@link IndexReader} reads them: which it lists,
 * which exist, which were read, and the pool files they want. Its end is a {@link Wanting.Suite}.
 * Not thread-safe: the reading thread alone touches it.
 */
final class SuiteIndexes {
  /** What an index that became readable is to the reader. */
  enum ToRead {
    /** The first readable variant of a Packages or Sources index. */
    POOL,
    /** A second-level index: patches, installer images. */
    SECOND_LEVEL,
    /** Nothing to read: a by-hash copy, another variant of one read, or the suite ended. */
    NOT_TO_READ
  }

  /** A way to open an index: its staged copy, or the published one. */
  @FunctionalInterface
  private interface Source {
    InputStream open() throws IOException;
  }

  private final Released.Changed release;
  private final Ledger ledger;
  private final List<Wanted> listed;
  private final Set<String> secondLevel;
  private final Map<String, FetchOutcome.Fetched> staged = new LinkedHashMap<>();
  private final Map<String, Source> readable = new LinkedHashMap<>();
  private final Set<String> present = new LinkedHashSet<>();
  private final List<String> absent = new ArrayList<>();
  private final Set<String> read = new HashSet<>();
  private final Set<String> tried = new HashSet<>();
  private final Map<String, Wanted> wanted = new LinkedHashMap<>();
  private SyncPlan plan = new SyncPlan(List.of(), List.of(), List.of(), List.of());
  private int failed;
  private String corrupt;

  SuiteIndexes(Released.Changed release, SuiteSelection selection, Ledger ledger) {
    this.release = release;
    this.ledger = ledger;
    this.listed = listed(selection);
    this.secondLevel =
        Set.copyOf(SecondLevelIndexes.choose(listed.stream().map(Wanted::path).toList()));
  }

  String dist() {
    return release.dist();
  }

  List<Wanted> listed() {
    return List.copyOf(listed);
  }

  /** The listed indexes as planned: those the mirror has as signed are present and readable. */
  void plan(SyncPlan plan, PublishedTree tree) {
    this.plan = plan;
    for (Wanted w : plan.reuse()) {
      present.add(w.path());
      if (!w.path().contains("/by-hash/")) readable.put(w.path(), () -> tree.open(w.path()));
    }
  }

  /**
   * What to fetch first: everything to fetch for a sync; for a plan, the preferred variant of each
   * index to read that the mirror cannot read yet.
   */
  List<Wanted> firstToFetch(IndexReader.Mode mode) {
    if (mode == IndexReader.Mode.ALL) return plan.toFetch();
    Set<String> readNow = new HashSet<>();
    readable.keySet().forEach(p -> readNow.add(kindOf(p)));
    List<Wanted> first = new ArrayList<>();
    Set<String> chosen = new HashSet<>();
    for (Wanted w : byPreference(plan.toFetch())) {
      String kind = kindOf(w.path());
      if (toRead(w.path()) && !readNow.contains(kind) && chosen.add(kind)) {
        tried.add(w.path());
        first.add(w);
      }
    }
    return first;
  }

  /** For a plan: the next variant of an index whose variant was absent, if it has one. */
  Optional<Wanted> nextVariant(String path) {
    String kind = kindOf(path);
    if (read.contains(kind)) return Optional.empty();
    for (Wanted w : byPreference(plan.toFetch())) {
      if (kindOf(w.path()).equals(kind) && toRead(w.path()) && tried.add(w.path())) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  void staged(FetchOutcome.Fetched f) {
    String path = f.task().localPath();
    staged.put(path, f);
    present.add(path);
    if (!path.contains("/by-hash/")) readable.put(path, () -> Files.newInputStream(f.staged()));
  }

  void absent(String path) {
    absent.add(path);
  }

  void failed() {
    failed++;
  }

  /** The indexes readable before any fetch: those the mirror has as signed. */
  List<String> readableNow() {
    return List.copyOf(readable.keySet());
  }

  /** Whether an index that became readable is to be read now, and as what. */
  ToRead firstRead(String path) {
    if (corrupt != null || !readable.containsKey(path)) return ToRead.NOT_TO_READ;
    if (IndexReader.isPoolIndex(path) && read.add(kindOf(path))) return ToRead.POOL;
    if (secondLevel.contains(path) && read.add(path)) return ToRead.SECOND_LEVEL;
    return ToRead.NOT_TO_READ;
  }

  /** Reads the pool files a Packages or Sources lists; a corrupt index ends the suite. */
  void readPool(String path, IndexReader.Wants wants) throws IOException {
    try (InputStream in = readable.get(path).open()) {
      PoolIndexReader.read(
          path,
          in,
          Dists.base(dist()),
          f -> {
            Wanted w = Wanted.pool(f);
            if (wanted.putIfAbsent(f.path(), w) == null) wants.want(w);
          });
    } catch (FormatException e) {
      corrupt = "corrupt index: " + e.getMessage();
    }
  }

  /**
   * Reads what a second-level index lists (patches, installer images), planned against the mirror
   * like the indexes; returns those to fetch. One that cannot be read is warned about and its files
   * are left out, as apt then leaves them (it fetches whole indexes instead of patches).
   */
  List<Wanted> readSecondLevel(String path, IndexView index, DiskView disk) throws IOException {
    Set<String> known = new HashSet<>();
    listed.forEach(w -> known.add(w.path()));
    Map<String, Wanted> more = new LinkedHashMap<>();
    try (InputStream in = readable.get(path).open()) {
      SecondLevelIndexes.read(
          path,
          in,
          f -> {
            if (!known.contains(f.path())) {
              more.putIfAbsent(f.path(), new Wanted(f.path(), f, Wanted.Kind.INDEX, false));
            }
          });
    } catch (FormatException e) {
      ledger.warn(e.getMessage() + "; the files it lists are not mirrored");
      return List.of();
    }
    if (more.isEmpty()) return List.of();
    SyncPlan p = SyncPlanner.plan(more.values(), index, disk);
    listed.addAll(more.values());
    plan = plan.and(p);
    p.reuse().forEach(w -> present.add(w.path()));
    return p.toFetch();
  }

  /** A Packages or Sources the Release lists of which no variant could be read says so. */
  void warnUnread() {
    if (corrupt != null) return;
    Set<String> unread = new LinkedHashSet<>();
    for (Wanted w : listed) {
      if (w.kind() == Wanted.Kind.INDEX && IndexReader.isPoolIndex(w.path())) {
        unread.add(kindOf(w.path()));
      }
    }
    unread.removeAll(read);
    for (String index : unread) {
      ledger.warn(index + ": the Release lists it, but no variant of it is on the upstream");
    }
  }

  Wanting.Suite wanting() {
    Wanting.Indexes indexes =
        new Wanting.Indexes(
            Collections.unmodifiableList(listed),
            plan,
            Collections.unmodifiableMap(staged),
            Collections.unmodifiableSet(present),
            Collections.unmodifiableList(absent),
            failed);
    if (corrupt != null) {
      return new Wanting.Ended(
          dist(), SuiteOutcome.MALFORMED, corrupt, release.signatures(), indexes);
    }
    return new Wanting.Changed(
        dist(),
        release.release(),
        release.signatures(),
        indexes,
        Collections.unmodifiableMap(wanted));
  }

  /** Whether a plan reads this index: a Packages, Sources or second-level one, not by-hash. */
  private boolean toRead(String path) {
    return !path.contains("/by-hash/")
        && (IndexReader.isPoolIndex(path) || secondLevel.contains(path));
  }

  /** What an index is, whatever its compression: its path without the extension. */
  private static String kindOf(String path) {
    return Compression.stripExtension(path);
  }

  private static List<Wanted> byPreference(List<Wanted> files) {
    List<Wanted> sorted = new ArrayList<>(files);
    sorted.sort(
        Comparator.comparingInt(
            w -> IndexVariants.PREFERENCE.indexOf(Compression.ofFileName(w.path()))));
    return sorted;
  }

  /** The files the Release lists, selected, and their by-hash copies. */
  private List<Wanted> listed(SuiteSelection selection) {
    ReleaseFile r = release.release().release();
    Set<String> names = new LinkedHashSet<>();
    r.files().forEach(e -> names.add(e.path()));
    Map<String, Wanted> wants = new LinkedHashMap<>();
    List<String> selfListed = new ArrayList<>();
    for (ExpectedFile e : r.files()) {
      if (SuiteSelection.isReleaseFile(e.path())) {
        selfListed.add(e.path());
        continue;
      }
      if (!selection.selects(e.path())) continue;
      String path = dist() + "/" + e.path();
      boolean absentUsually = SuiteSelection.usuallyAbsent(e.path(), names);
      wants.put(
          path,
          new Wanted(
              path,
              new ExpectedFile(path, e.size(), e.hashes()),
              Wanted.Kind.INDEX,
              absentUsually));
      if (r.acquireByHash()) byHash(path, e, absentUsually, wants);
    }
    if (!selfListed.isEmpty()) {
      ledger.warn(
          dist()
              + ": the Release lists "
              + String.join(", ", selfListed)
              + " of its own; skipped, as apt skips them (a Release made in place by"
              + " apt-ftparchive)");
    }
    return new ArrayList<>(wants.values());
  }

  /**
   * The by-hash copies of a listed file. Archives keep SHA256 ones (apt asks for the strongest the
   * Release lists); others, and copies of variants usually absent, may well be absent.
   */
  private static void byHash(
      String path, ExpectedFile e, boolean variantAbsentUsually, Map<String, Wanted> wants) {
    String dir = path.substring(0, path.lastIndexOf('/') + 1);
    for (Map.Entry<HashAlgorithm, String> h : e.hashes().values().entrySet()) {
      String copy = dir + "by-hash/" + h.getKey().byHashDirectory() + "/" + h.getValue();
      wants.putIfAbsent(
          copy,
          new Wanted(
              copy,
              new ExpectedFile(copy, e.size(), e.hashes()),
              Wanted.Kind.BY_HASH,
              variantAbsentUsually || h.getKey() != HashAlgorithm.SHA256));
    }
  }
}
