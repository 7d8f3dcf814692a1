package org.repomirror.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.source.UpstreamValidators;

/**
 * An index in memory, for unit tests of the planner, publication and recovery. Behaves as the
 * RocksDB index does (prefix scans in path order, batches applied whole on commit, nothing seen
 * before), which {@code IndexContractTest} checks on both. Thread-safe.
 */
public final class FakeIndex implements Index {
  private final TreeMap<String, FileRecord> files = new TreeMap<>();
  private final Map<String, UpstreamValidators> validators = new LinkedHashMap<>();
  private final TreeMap<String, Set<String>> references = new TreeMap<>();
  private final TreeMap<String, Long> pending = new TreeMap<>();
  private final TreeMap<String, FileRecord> intents = new TreeMap<>();
  private final Map<String, String> meta = new LinkedHashMap<>();
  private final TreeMap<String, String> runs = new TreeMap<>();
  private int commits;

  /** How many batches were committed: a test can tell whether a step wrote to the index. */
  public synchronized int commits() {
    return commits;
  }

  @Override
  public synchronized Optional<FileRecord> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  @Override
  public void forEachFile(String pathPrefix, Consumer<FileRecord> action) {
    List<FileRecord> matching;
    synchronized (this) {
      matching =
          new ArrayList<>(files.subMap(pathPrefix, pathPrefix + Character.MAX_VALUE).values());
    }
    matching.forEach(action);
  }

  @Override
  public void forEachPath(String pathPrefix, Consumer<String> action) {
    forEachFile(pathPrefix, r -> action.accept(r.path()));
  }

  @Override
  public synchronized Optional<UpstreamValidators> validators(String url) {
    return Optional.ofNullable(validators.get(url));
  }

  @Override
  public synchronized void forEachValidators(
      java.util.function.BiConsumer<String, UpstreamValidators> action) {
    new java.util.TreeMap<>(validators).forEach(action);
  }

  @Override
  public synchronized Optional<Set<String>> references(String dist) {
    Set<String> refs = references.get(dist);
    return refs == null ? Optional.empty() : Optional.of(new LinkedHashSet<>(refs));
  }

  @Override
  public synchronized List<String> suites() {
    return new ArrayList<>(references.keySet());
  }

  @Override
  public synchronized Map<String, Long> pendingDeletes() {
    return new LinkedHashMap<>(pending);
  }

  @Override
  public synchronized List<FileRecord> intents() {
    return new ArrayList<>(intents.values());
  }

  @Override
  public synchronized Optional<String> meta(String key) {
    return Optional.ofNullable(meta.get(key));
  }

  @Override
  public synchronized List<String> runs(int limit) {
    return runs.descendingMap().values().stream().limit(limit).toList();
  }

  @Override
  public Batch batch() {
    return new FakeBatch();
  }

  @Override
  public void close() {}

  /** Changes kept in order and applied under the index's lock on commit. */
  private final class FakeBatch implements Batch {
    private final List<Runnable> changes = new ArrayList<>();

    private Batch add(Runnable change) {
      changes.add(change);
      return this;
    }

    @Override
    public Batch put(FileRecord record) {
      return add(() -> files.put(record.path(), record));
    }

    @Override
    public Batch delete(String path) {
      return add(() -> files.remove(path));
    }

    @Override
    public Batch putValidators(String url, UpstreamValidators v) {
      return add(() -> validators.put(url, v));
    }

    @Override
    public Batch putReferences(String dist, Set<String> paths) {
      Set<String> copy = new LinkedHashSet<>(paths);
      return add(() -> references.put(dist, copy));
    }

    @Override
    public Batch putIntent(FileRecord record) {
      return add(() -> intents.put(record.path(), record));
    }

    @Override
    public Batch deleteIntent(String path) {
      return add(() -> intents.remove(path));
    }

    @Override
    public Batch putMeta(String key, String value) {
      return add(() -> meta.put(key, value));
    }

    @Override
    public Batch deleteMeta(String key) {
      return add(() -> meta.remove(key));
    }

    @Override
    public Batch putRun(String startedIso, String json) {
      return add(() -> runs.put(startedIso, json));
    }

    @Override
    public Batch markForDeletion(String path, long sinceMillis) {
      return add(() -> pending.put(path, sinceMillis));
    }

    @Override
    public Batch unmarkForDeletion(String path) {
      return add(() -> pending.remove(path));
    }

    @Override
    public void commit() {
      synchronized (FakeIndex.this) {
        changes.forEach(Runnable::run);
        commits++;
      }
      changes.clear();
    }

    @Override
    public void close() {}
  }
}
