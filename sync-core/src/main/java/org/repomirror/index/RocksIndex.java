package org.repomirror.index;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.repomirror.fs.CrashPoint;
import org.repomirror.source.UpstreamValidators;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index in RocksDB. Each entity has a key prefix ({@code f/} files, {@code v/} validators,
 * {@code s/} suite references, {@code d/} pending deletions, {@code r/} runs, {@code m/} named
 * values, {@code i/} publication intents), so a scan of one kind never touches another; a bloom
 * filter makes point lookups of absent paths cheap; every change goes through one fsync'd write
 * batch. RocksDB types never leave this class. Thread-safe.
 */
final class RocksIndex implements Index {
  private static final Logger log = LoggerFactory.getLogger(RocksIndex.class);

  private static final byte[] FILE = "f/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALIDATORS = "v/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] REFERENCES = "s/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DELETES = "d/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RUNS = "r/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] META = "m/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] INTENTS = "i/".getBytes(StandardCharsets.UTF_8);

  private static final long BLOCK_CACHE_BYTES = 128L << 20;

  /**
   * Memtables larger than this are written to a table file at the close. Below it, the next opening
   * replays the write-ahead log in a few tens of milliseconds.
   */
  private static final long FLUSH_AT_CLOSE_BYTES = 4L << 20;

  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final RocksDB db;
  private final WriteOptions durable;
  private final boolean writable;

  private RocksIndex(Options options, RocksDB db, boolean writable) {
    this.options = options;
    this.db = db;
    this.durable = new WriteOptions().setSync(true);
    this.writable = writable;
  }

  /** Opens (creating if needed) the index in a folder. */
  static RocksIndex open(Path dir) {
    Options options = null;
    try {
      Files.createDirectories(dir);
      options =
          new Options()
              .setCreateIfMissing(true)
              .setKeepLogFileNum(5)
              .setCompressionType(CompressionType.LZ4_COMPRESSION)
              .useFixedLengthPrefixExtractor(FILE.length)
              .setTableFormatConfig(tableFormat())
              .setMaxOpenFiles(256);
      return new RocksIndex(options, RocksDB.open(options, dir.toString()), true);
    } catch (RocksDBException | IOException e) {
      if (options != null) options.close();
      throw new IndexException("cannot open the index in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens an existing index for reading only, beside a sync that may hold it for writing: reads see
   * the state as of the opening.
   */
  static RocksIndex openReadOnly(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IndexException("no index in " + dir + ": has this mirror ever been synced?", null);
    }
    Options options = null;
    try {
      options =
          new Options()
              .useFixedLengthPrefixExtractor(FILE.length)
              .setTableFormatConfig(tableFormat())
              .setMaxOpenFiles(256);
      return new RocksIndex(options, RocksDB.openReadOnly(options, dir.toString()), false);
    } catch (RocksDBException e) {
      options.close();
      throw new IndexException("cannot open the index in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Bloom filters on whole keys, so a lookup of a path the index lacks rarely reads a block; and a
   * block cache large enough for the index of a large tree (records are about 60 bytes, so 1M files
   * take about 64 MiB): a sync looks up every path, and a miss costs a read and an LZ4
   * decompression of a 4 KiB block.
   */
  private static BlockBasedTableConfig tableFormat() {
    return new BlockBasedTableConfig()
        .setFilterPolicy(new BloomFilter(10, false))
        .setWholeKeyFiltering(true)
        .setBlockCache(new LRUCache(BLOCK_CACHE_BYTES))
        .setCacheIndexAndFilterBlocks(true)
        .setPinL0FilterAndIndexBlocksInCache(true);
  }

  @Override
  public Optional<FileRecord> file(String path) {
    try {
      byte[] value = db.get(key(FILE, path));
      return value == null ? Optional.empty() : Optional.of(RecordCodec.decode(path, value));
    } catch (RocksDBException e) {
      throw new IndexException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** One call into RocksDB for all of them, which looks the keys up in sorted order. */
  @Override
  public List<Optional<FileRecord>> files(List<String> paths) {
    if (paths.isEmpty()) return List.of(); // RocksDB asserts a list of keys is never empty
    List<byte[]> keys = new ArrayList<>(paths.size());
    for (String path : paths) keys.add(key(FILE, path));
    try {
      List<byte[]> values = db.multiGetAsList(keys);
      List<Optional<FileRecord>> records = new ArrayList<>(paths.size());
      for (int i = 0; i < paths.size(); i++) {
        byte[] value = values.get(i);
        records.add(
            value == null
                ? Optional.empty()
                : Optional.of(RecordCodec.decode(paths.get(i), value)));
      }
      return records;
    } catch (RocksDBException e) {
      throw new IndexException("cannot read " + paths.size() + " paths: " + e.getMessage(), e);
    }
  }

  @Override
  public long sizeEstimate() {
    try {
      return db.getLongProperty("rocksdb.estimate-num-keys");
    } catch (RocksDBException e) {
      return 0;
    }
  }

  @Override
  public void forEachFile(String pathPrefix, Consumer<FileRecord> action) {
    byte[] prefix = key(FILE, pathPrefix);
    try (ReadOptions read = new ReadOptions().setPrefixSameAsStart(true);
        RocksIterator it = db.newIterator(read)) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (!startsWith(k, prefix)) break;
        String path = new String(k, FILE.length, k.length - FILE.length, StandardCharsets.UTF_8);
        action.accept(RecordCodec.decode(path, it.value()));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new IndexException("cannot scan the index: " + e.getMessage(), e);
    }
  }

  @Override
  public long countFiles() {
    long n = 0;
    try (ReadOptions read = new ReadOptions().setPrefixSameAsStart(true);
        RocksIterator it = db.newIterator(read)) {
      for (it.seek(FILE); it.isValid() && startsWith(it.key(), FILE); it.next()) n++;
      it.status();
    } catch (RocksDBException e) {
      throw new IndexException("cannot scan the index: " + e.getMessage(), e);
    }
    return n;
  }

  @Override
  public void forEachPath(String pathPrefix, Consumer<String> action) {
    byte[] prefix = key(FILE, pathPrefix);
    try (ReadOptions read = new ReadOptions().setPrefixSameAsStart(true);
        RocksIterator it = db.newIterator(read)) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (!startsWith(k, prefix)) break;
        action.accept(new String(k, FILE.length, k.length - FILE.length, StandardCharsets.UTF_8));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new IndexException("cannot scan the index: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<UpstreamValidators> validators(String url) {
    try {
      byte[] value = db.get(key(VALIDATORS, url));
      return value == null ? Optional.empty() : Optional.of(decodeValidators(url, value));
    } catch (RocksDBException e) {
      throw new IndexException("cannot read validators of " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void forEachValidators(java.util.function.BiConsumer<String, UpstreamValidators> action) {
    try (ReadOptions read = new ReadOptions().setPrefixSameAsStart(true);
        RocksIterator it = db.newIterator(read)) {
      for (it.seek(VALIDATORS); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (!startsWith(k, VALIDATORS)) break;
        String url =
            new String(k, VALIDATORS.length, k.length - VALIDATORS.length, StandardCharsets.UTF_8);
        action.accept(url, decodeValidators(url, it.value()));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new IndexException("cannot scan the index: " + e.getMessage(), e);
    }
  }

  private static UpstreamValidators decodeValidators(String url, byte[] value) {
    try {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value));
      String etag = in.readBoolean() ? in.readUTF() : null;
      String lastModified = in.readBoolean() ? in.readUTF() : null;
      return new UpstreamValidators(etag, lastModified);
    } catch (IOException e) {
      throw new IndexException("cannot read validators of " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Set<String>> references(String dist) {
    try {
      byte[] value = db.get(key(REFERENCES, dist));
      if (value == null) return Optional.empty();
      try (DataInputStream in =
          new DataInputStream(new GZIPInputStream(new java.io.ByteArrayInputStream(value)))) {
        int n = in.readInt();
        Set<String> paths = new LinkedHashSet<>(n * 2);
        for (int i = 0; i < n; i++) paths.add(in.readUTF());
        return Optional.of(paths);
      }
    } catch (RocksDBException | IOException e) {
      throw new IndexException("cannot read the references of " + dist + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> suites() {
    List<String> suites = new ArrayList<>();
    scan(REFERENCES, (k, v) -> suites.add(k));
    return suites;
  }

  @Override
  public Map<String, Long> pendingDeletes() {
    Map<String, Long> pending = new LinkedHashMap<>();
    scan(DELETES, (k, v) -> pending.put(k, java.nio.ByteBuffer.wrap(v).getLong()));
    return pending;
  }

  private void scan(byte[] prefix, java.util.function.BiConsumer<String, byte[]> action) {
    try (ReadOptions read = new ReadOptions().setPrefixSameAsStart(true);
        RocksIterator it = db.newIterator(read)) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (!startsWith(k, prefix)) break;
        action.accept(
            new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8),
            it.value());
      }
      it.status();
    } catch (RocksDBException e) {
      throw new IndexException("cannot scan the index: " + e.getMessage(), e);
    }
  }

  @Override
  public List<FileRecord> intents() {
    List<FileRecord> intents = new ArrayList<>();
    scan(INTENTS, (path, value) -> intents.add(RecordCodec.decode(path, value)));
    return intents;
  }

  @Override
  public Optional<String> meta(String name) {
    try {
      byte[] value = db.get(key(META, name));
      return Optional.ofNullable(value).map(v -> new String(v, StandardCharsets.UTF_8));
    } catch (RocksDBException e) {
      throw new IndexException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> runs(int limit) {
    List<String> runs = new ArrayList<>();
    try (ReadOptions read = new ReadOptions();
        RocksIterator it = db.newIterator(read)) {
      // Keys sort by start time; walk back from just past the last run.
      it.seekForPrev(key(RUNS, "\uffff"));
      for (; it.isValid() && runs.size() < limit; it.prev()) {
        if (!startsWith(it.key(), RUNS)) break;
        runs.add(new String(it.value(), StandardCharsets.UTF_8));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new IndexException("cannot scan the runs: " + e.getMessage(), e);
    }
    return runs;
  }

  @Override
  public Batch batch() {
    return new RocksBatch();
  }

  @Override
  public void close() {
    if (writable) flushWhenLarge();
    durable.close();
    db.close();
    options.close();
  }

  /**
   * Writes large memtables to a table file before the close. Otherwise the next opening replays the
   * write-ahead log into memory and writes that file itself: 0.36 s of the first run after a sync
   * of 300,000 files, where the flush here takes about a quarter of it.
   */
  private void flushWhenLarge() {
    try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
      if (db.getLongProperty("rocksdb.cur-size-all-mem-tables") > FLUSH_AT_CLOSE_BYTES) {
        db.flush(wait);
      }
    } catch (RocksDBException e) {
      log.debug(
          "the index was not flushed at its close; the next opening replays its log: {}",
          e.toString());
    }
  }

  private final class RocksBatch implements Batch {
    private final WriteBatch batch = new WriteBatch();

    /** Stages a value under a prefixed key; every write of the batch goes through here. */
    private Batch stage(byte[] prefix, String name, byte[] value) {
      try {
        batch.put(key(prefix, name), value);
      } catch (RocksDBException e) {
        throw new IndexException("cannot stage " + name + ": " + e.getMessage(), e);
      }
      return this;
    }

    private Batch unstage(byte[] prefix, String name) {
      try {
        batch.delete(key(prefix, name));
      } catch (RocksDBException e) {
        throw new IndexException("cannot stage the removal of " + name + ": " + e.getMessage(), e);
      }
      return this;
    }

    @Override
    public Batch put(FileRecord r) {
      return stage(FILE, r.path(), RecordCodec.encode(r));
    }

    @Override
    public Batch delete(String path) {
      return unstage(FILE, path);
    }

    @Override
    public Batch putValidators(String url, UpstreamValidators v) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        writeOptional(out, v.etag());
        writeOptional(out, v.lastModified());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return stage(VALIDATORS, url, bytes.toByteArray());
    }

    @Override
    public Batch putReferences(String dist, Set<String> paths) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
        out.writeInt(paths.size());
        for (String p : paths) out.writeUTF(p);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return stage(REFERENCES, dist, bytes.toByteArray());
    }

    @Override
    public Batch putIntent(FileRecord r) {
      return stage(INTENTS, r.path(), RecordCodec.encode(r));
    }

    @Override
    public Batch deleteIntent(String path) {
      return unstage(INTENTS, path);
    }

    @Override
    public Batch putMeta(String name, String value) {
      return stage(META, name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Batch deleteMeta(String name) {
      return unstage(META, name);
    }

    @Override
    public Batch putRun(String startedIso, String json) {
      return stage(RUNS, startedIso, json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Batch markForDeletion(String path, long sinceMillis) {
      return stage(DELETES, path, java.nio.ByteBuffer.allocate(8).putLong(sinceMillis).array());
    }

    @Override
    public Batch unmarkForDeletion(String path) {
      return unstage(DELETES, path);
    }

    @Override
    public void commit() {
      CrashPoint.reached("index-commit");
      try {
        db.write(durable, batch);
        batch.clear();
      } catch (RocksDBException e) {
        throw new IndexException("cannot commit to the index: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      batch.close();
    }
  }

  private static void writeOptional(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) out.writeUTF(s);
  }

  private static byte[] key(byte[] prefix, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] k = Arrays.copyOf(prefix, prefix.length + n.length);
    System.arraycopy(n, 0, k, prefix.length, n.length);
    return k;
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length
        && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
  }
}
