package org.repomirror.index;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.repomirror.source.UpstreamValidators;

/**
 * The mirror's file index: path → size, mtime, hashes, state, the run that wrote it; plus the
 * upstream's validators (ETag, Last-Modified) per URL, what each suite references, pending
 * deletions and a summary of each run. Reads see the last committed batch. Implementations are
 * thread-safe; a {@link Batch} is used by one thread.
 */
public interface Index extends AutoCloseable {

  /** Opens (creating if needed) the index kept in a folder, for reading and writing. */
  static Index open(Path dir) {
    return RocksIndex.open(dir);
  }

  /**
   * Opens an existing index for reading only, beside a sync that may hold it for writing: reads see
   * the state as of the opening.
   *
   * @throws IndexException when there is no index in the folder
   */
  static Index openReadOnly(Path dir) {
    return RocksIndex.openReadOnly(dir);
  }

  Optional<FileRecord> file(String path);

  /** The records of many paths at once, each in its path's place: cheaper than one at a time. */
  default List<Optional<FileRecord>> files(List<String> paths) {
    List<Optional<FileRecord>> records = new java.util.ArrayList<>(paths.size());
    for (String path : paths) records.add(file(path));
    return records;
  }

  /** About how many entries the index holds, files the most of them; 0 when it cannot say. */
  default long sizeEstimate() {
    return 0;
  }

  /** How many file records the index holds, counted. */
  default long countFiles() {
    long[] n = {0};
    forEachPath("", p -> n[0]++);
    return n[0];
  }

  /** Streams every file whose path starts with the prefix, in path order, without loading all. */
  void forEachFile(String pathPrefix, Consumer<FileRecord> action);

  /**
   * Streams the paths of every file whose path starts with the prefix, without decoding records.
   */
  void forEachPath(String pathPrefix, Consumer<String> action);

  /** The validators last seen for a URL, for a conditional request. */
  Optional<UpstreamValidators> validators(String url);

  /** Every URL's validators, in key order. */
  void forEachValidators(java.util.function.BiConsumer<String, UpstreamValidators> action);

  /** The paths a suite referenced when it was last published, or empty for a new suite. */
  Optional<Set<String>> references(String dist);

  /** The suites whose references are recorded. */
  List<String> suites();

  /** Every path the recorded suites reference, but {@code except} (a suite, or null for none). */
  default Set<String> referencedBySuites(String except) {
    Set<String> all = new java.util.HashSet<>();
    for (String suite : suites()) {
      if (!suite.equals(except)) references(suite).ifPresent(all::addAll);
    }
    return all;
  }

  /** Paths waiting to be deleted, with when they stopped being referenced (epoch millis). */
  Map<String, Long> pendingDeletes();

  /**
   * Records about to be published, written before their files are renamed into the served tree and
   * removed in the batch that records them: after a crash in between, they say what is on disk that
   * the index does not know yet.
   */
  List<FileRecord> intents();

  /** A small named value (JSON) the engine keeps between runs, such as the last plan. */
  Optional<String> meta(String key);

  /**
   * The files a suite was last published without: listed by its indexes, but missing upstream or
   * bad, and let through by {@code allow-errors}.
   */
  default Set<String> publishedWithout(String dist) {
    return meta(PUBLISHED_WITHOUT + dist).map(v -> Set.of(v.split("\n"))).orElse(Set.of());
  }

  /** The meta key prefix of {@link #publishedWithout}. */
  String PUBLISHED_WITHOUT = "published-without/";

  /** The summaries of the last runs (JSON, as written by the engine), newest first. */
  List<String> runs(int limit);

  /** A set of changes applied atomically by {@link Batch#commit()}. */
  Batch batch();

  @Override
  void close();

  /** Changes to apply together. Not thread-safe. */
  interface Batch extends AutoCloseable {
    Batch put(FileRecord record);

    Batch delete(String path);

    Batch putValidators(String url, UpstreamValidators validators);

    /** Records every path a suite references now. */
    Batch putReferences(String dist, Set<String> paths);

    /** Notes a record whose file is about to be renamed into the served tree. */
    Batch putIntent(FileRecord record);

    Batch deleteIntent(String path);

    Batch putMeta(String key, String value);

    Batch deleteMeta(String key);

    /** Records the files a suite is published without; none forgets the last such record. */
    default Batch putPublishedWithout(String dist, Set<String> paths) {
      return paths.isEmpty()
          ? deleteMeta(PUBLISHED_WITHOUT + dist)
          : putMeta(PUBLISHED_WITHOUT + dist, String.join("\n", new java.util.TreeSet<>(paths)));
    }

    /** Records a run's summary under its ISO-8601 start time. */
    Batch putRun(String startedIso, String json);

    /** Marks a path for deletion after the grace period, counted from {@code sinceMillis}. */
    Batch markForDeletion(String path, long sinceMillis);

    /** Forgets a pending deletion (the path is referenced again, or it was deleted). */
    Batch unmarkForDeletion(String path);

    /** Applies every change at once, durably (fsync'd), or none. */
    void commit();

    @Override
    void close();
  }
}
