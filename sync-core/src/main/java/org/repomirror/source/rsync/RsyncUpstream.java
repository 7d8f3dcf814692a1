package org.repomirror.source.rsync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.repomirror.debian.ArchivePaths;
import org.repomirror.debian.FormatException;
import org.repomirror.run.Ticker;
import org.repomirror.source.FetchException;
import org.repomirror.source.PlacingUpstream;
import org.repomirror.source.UpstreamValidators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An old host's tree reached through the real rsync binary: an rsync daemon ({@code rsync://}) or
 * ssh ({@code ssh://}). Downloads travel in batches of many files per run of rsync, several runs at
 * once ({@link RsyncBatches}); a file the mirror already publishes is the basis of rsync's block
 * delta. rsync only moves bytes: the transfer hashes and verifies every file as it does for any
 * other upstream. Its validators are a file's size and mtime in whole seconds. Thread-safe.
 */
public final class RsyncUpstream implements PlacingUpstream, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RsyncUpstream.class);

  /**
   * Downloads waiting for their batch on each rsync run: enough that a run's batch is cut from a
   * queue, while the transfer's threads hash what the runs before delivered.
   */
  private static final int DEPTH = 4;

  private final RsyncCommand command;
  private final Path work;
  private final RsyncBatches batches;
  private final Ticker ticker;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();

  /** What a prefetch brought, by path, each for its first fetch; null bytes for an absent file. */
  private final Map<String, Prefetched> prefetched = new ConcurrentHashMap<>();

  private record Prefetched(byte[] bytes, long mtimeMillis) {}

  /** A prefetch keeps small files only: Release files, not a file list that happens to be big. */
  private static final long MAX_PREFETCHED_BYTES = 16L << 20;

  /**
   * How the upstream runs rsync.
   *
   * @param rsh the ssh command for an ssh:// upstream, with its options; unused for rsync://
   * @param timeout how long a connection may stall before a run counts as failed
   * @param runs rsync runs at once
   * @param bytesPerSecond the limit over all runs together, shared among them; 0 for none
   */
  public record Settings(String rsh, Duration timeout, int runs, long bytesPerSecond) {}

  /**
   * @param base {@code rsync://[user@]host[:port]/module/path/} or {@code
   *     ssh://[user@]host[:port]/path/}
   * @param work a folder of its own on the filesystem of the staging folder: rsync's destination,
   *     where partial copies stay between runs
   * @param basis the published tree, whose copy of a changed file is the basis of its delta; or
   *     null
   * @param ticker times how long files wait for their batch
   */
  public RsyncUpstream(URI base, Path work, Path basis, Settings settings, Ticker ticker) {
    this.command =
        new RsyncCommand(
            base,
            settings.rsh(),
            settings.timeout(),
            settings.bytesPerSecond() / Math.max(1, settings.runs()));
    this.work = work;
    this.ticker = ticker;
    this.batches = new RsyncBatches(command, work, basis, settings.runs(), ticker);
  }

  /** Whether a URL names an upstream reached through rsync: {@code rsync://} or {@code ssh://}. */
  public static boolean handles(URI url) {
    return RsyncCommand.handles(url);
  }

  @Override
  public Conditional fetch(String path, UpstreamValidators previous, int maxBytes)
      throws IOException {
    requireSafe(path);
    Prefetched pre = prefetched.remove(path);
    if (pre != null) return answer(path, pre, previous, maxBytes);
    if (previous != null) {
      RsyncListing.Entry now = stat(path);
      if (validatorsOf(now.size(), now.mtimeMillis()).equals(previous)) return new NotModified();
    }
    Path dir = scratch("fetch-");
    try {
      Path file = copyAlone(path, dir);
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new FetchException(
            FetchException.Kind.FATAL, url(path), 0, size + " bytes is too large", 0, null);
      }
      long mtime = Files.getLastModifiedTime(file).toMillis();
      return new Body(Files.readAllBytes(file), validatorsOf(size, mtime), Optional.of(mtime));
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Brings the files in one run of rsync, for the fetches that follow until it is closed; a run
   * that fails brings nothing, and each fetch then asks on its own.
   */
  @Override
  public Prefetch prefetch(Collection<String> paths) {
    List<String> safe = new ArrayList<>();
    for (String p : paths) {
      try {
        safe.add(ArchivePaths.requireSafe(p, 0));
      } catch (FormatException e) {
        // fetched alone, which says why it is refused
      }
    }
    if (safe.isEmpty()) return () -> {};
    try {
      Path dir = scratch("prefetch-");
      try {
        Path dest = dir.resolve("files");
        RsyncRun.Ended end = run(command.copy(writeList(dir, safe), dest, null), dir, line -> {});
        for (String p : safe) {
          Path file = dest.resolve(p);
          if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
              && Files.size(file) <= MAX_PREFETCHED_BYTES) {
            prefetched.put(
                p,
                new Prefetched(
                    Files.readAllBytes(file), Files.getLastModifiedTime(file).toMillis()));
          } else if (end.missing(p)) {
            prefetched.put(p, new Prefetched(null, 0));
          }
        }
      } finally {
        deleteTree(dir);
      }
    } catch (IOException e) {
      log.debug(
          "prefetching {} files failed; each is fetched alone: {}", safe.size(), e.toString());
    }
    return () -> safe.forEach(prefetched::remove);
  }

  private Conditional answer(String path, Prefetched pre, UpstreamValidators previous, int maxBytes)
      throws FetchException {
    if (pre.bytes() == null) {
      throw new FetchException(
          FetchException.Kind.NOT_FOUND, url(path), 0, "no such file", 0, null);
    }
    UpstreamValidators now = validatorsOf(pre.bytes().length, pre.mtimeMillis());
    if (now.equals(previous)) return new NotModified();
    if (pre.bytes().length > maxBytes) {
      throw new FetchException(
          FetchException.Kind.FATAL,
          url(path),
          0,
          pre.bytes().length + " bytes is too large",
          0,
          null);
    }
    return new Body(pre.bytes(), now, Optional.of(pre.mtimeMillis()));
  }

  @Override
  public Download download(String path, long offset, String ifRange, BodySink sink)
      throws IOException {
    requireSafe(path);
    Path dir = scratch("download-");
    try {
      Path file = dir.resolve("file");
      long bytes;
      try {
        bytes = place(path, file, false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FetchException(FetchException.Kind.TRANSIENT, url(path), 0, "interrupted", 0, e);
      }
      long mtime = Files.getLastModifiedTime(file).toMillis();
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = sink.open(true)) {
        in.transferTo(out);
      }
      return new Download(
          offset > 0, bytes, validatorsOf(Files.size(file), mtime), Optional.of(mtime));
    } finally {
      deleteTree(dir);
    }
  }

  @Override
  public void expect(String path, long size) {
    batches.expect(path, size);
  }

  @Override
  public long place(String path, Path target, boolean alone)
      throws IOException, InterruptedException {
    requireSafe(path);
    return batches.place(path, target, alone);
  }

  @Override
  public List<String> warnings() {
    return batches.warnings();
  }

  @Override
  public int depth() {
    return DEPTH;
  }

  /**
   * Lists the whole tree, with its symbolic links, in one run of rsync.
   *
   * @param sink hears each entry as rsync lists it
   * @throws FetchException when the listing failed or is incomplete; a file that vanished while
   *     listed is merely not listed
   */
  public void list(Consumer<RsyncListing.Entry> sink) throws IOException, InterruptedException {
    Path empty = scratch("list-");
    try {
      RsyncRun.Ended end =
          RsyncRun.run(
              command.list(null, empty),
              work.resolve(empty.getFileName() + ".errors"),
              line -> RsyncListing.parse(line).ifPresent(sink),
              running,
              ticker);
      if (!end.ok() && end.exit() != 24) throw end.failure(url(""));
    } finally {
      deleteTree(empty);
    }
  }

  @Override
  public String url(String path) {
    return command.url(path);
  }

  @Override
  public void stop() {
    batches.stop();
    for (Process p : running) p.destroy();
  }

  /**
   * Ends the runs under way and prunes the empty folders rsync left in its work folder; files stay,
   * partial copies among them, for the next run.
   */
  @Override
  public void close() {
    batches.close();
    for (Process p : running) p.destroy();
    if (!Files.isDirectory(work)) return;
    try (Stream<Path> walk = Files.walk(work)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
        try (Stream<Path> left = Files.list(p)) {
          if (left.findAny().isEmpty()) Files.delete(p);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not prune {}: {}", work, e.toString());
    }
  }

  /** A file's size and mtime, from a listing of it alone. */
  private RsyncListing.Entry stat(String path) throws IOException {
    Path empty = scratch("stat-");
    try {
      Path list = writeList(empty, path);
      List<RsyncListing.Entry> listed = new ArrayList<>();
      RsyncRun.Ended end =
          run(
              command.list(list, empty.resolve("dest")),
              empty,
              line -> RsyncListing.parse(line).ifPresent(listed::add));
      for (RsyncListing.Entry e : listed) {
        if (e.path().equals(path) && e.type() == RsyncListing.Type.FILE) return e;
      }
      throw missingOrFailed(path, end);
    } finally {
      deleteTree(empty);
    }
  }

  /** Copies one file into a folder, from scratch, and returns where it is. */
  private Path copyAlone(String path, Path dir) throws IOException {
    Path list = writeList(dir, path);
    Path dest = dir.resolve("files");
    RsyncRun.Ended end = run(command.copy(list, dest, null), dir, line -> {});
    Path file = dest.resolve(path);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw missingOrFailed(path, end);
    return file;
  }

  private IOException missingOrFailed(String path, RsyncRun.Ended end) {
    if (end.ok() || end.missing(path)) {
      return new FetchException(
          FetchException.Kind.NOT_FOUND, url(path), 0, "no such file", 0, null);
    }
    return end.failure(url(path));
  }

  private RsyncRun.Ended run(List<String> argv, Path dir, Consumer<String> lines)
      throws IOException {
    try {
      return RsyncRun.run(argv, dir.resolve("errors"), lines, running, ticker);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchException(FetchException.Kind.TRANSIENT, url(""), 0, "interrupted", 0, e);
    }
  }

  private static Path writeList(Path dir, String path) throws IOException {
    return writeList(dir, List.of(path));
  }

  private static Path writeList(Path dir, List<String> paths) throws IOException {
    Path list = dir.resolve("list");
    StringBuilder names = new StringBuilder();
    for (String p : paths) names.append(p).append('\0');
    Files.writeString(list, names, StandardCharsets.UTF_8);
    return list;
  }

  private Path scratch(String prefix) throws IOException {
    Files.createDirectories(work);
    return Files.createTempDirectory(work, prefix);
  }

  private void requireSafe(String path) throws FetchException {
    try {
      ArchivePaths.requireSafe(path, 0);
    } catch (FormatException e) {
      throw new FetchException(FetchException.Kind.FATAL, url(path), 0, e.getMessage(), 0, e);
    }
  }

  private static UpstreamValidators validatorsOf(long size, long mtimeMillis) {
    return new UpstreamValidators("\"" + size + "-" + mtimeMillis / 1000 + "\"", null);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
