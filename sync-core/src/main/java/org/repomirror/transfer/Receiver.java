package org.repomirror.transfer;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.function.BooleanSupplier;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.fs.FileTimes;
import org.repomirror.source.FetchException;
import org.repomirror.source.LocalWriteException;
import org.repomirror.source.PlacingUpstream;
import org.repomirror.source.Upstream;
import org.repomirror.source.UpstreamValidators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives one file's bytes, hashed on the way: streamed through the hashers into its part file, or
 * put in place by an upstream that places files itself (rsync), at its staged name, and hashed
 * there. Transient failures are retried with exponential backoff, a streamed body resuming with
 * Range and If-Range. Whether the bytes are right is the transfer's to decide. Thread-safe.
 */
final class Receiver {
  private static final Logger log = LoggerFactory.getLogger(Receiver.class);

  /** What arrived: the whole file's size and hashes, its mtime, and the bytes moved for it. */
  record Received(long size, Hashes hashes, long mtimeMillis, long transferred) {}

  private final Upstream upstream;
  private final Transfer.Settings settings;
  private final Clock clock;
  private final BooleanSupplier stopped;

  /**
   * @param clock dates a file the upstream gives no Last-Modified
   * @param stopped whether the transfer was stopped: a failure then ends the tries
   */
  Receiver(Upstream upstream, Transfer.Settings settings, Clock clock, BooleanSupplier stopped) {
    this.upstream = upstream;
    this.settings = settings;
    this.clock = clock;
    this.stopped = stopped;
  }

  /**
   * Downloads into the part file, retrying transient failures and resuming where it broke off.
   *
   * @param alone on requests of its own, never behind others on a connection
   * @param partHeld whether a part file may be there before the first try: staging held one when
   *     the transfer opened. Otherwise the first try looks for none, a lookup less for each file.
   */
  Received receive(
      FetchTask task, Path part, EnumSet<HashAlgorithm> algorithms, boolean alone, boolean partHeld)
      throws IOException, InterruptedException {
    Attempts so = new Attempts();
    so.partMayExist = partHeld;
    for (int attempt = 1; ; attempt++) {
      try {
        return upstream instanceof PlacingUpstream placing
            ? placed(placing, task, part, algorithms, alone)
            : streamed(task, part, algorithms, alone, so);
      } catch (FetchException e) {
        if (stopped.getAsBoolean()) throw new Transfer.Stopped();
        if (e.kind() != FetchException.Kind.TRANSIENT || attempt >= settings.attempts()) {
          throw e;
        }
        so.ifRange = ifRangeOf(e.validators(), so.ifRange);
        long delay = settings.backoff().toMillis() << (attempt - 1);
        if (e.retryAfterMillis() > 0) {
          delay = Math.min(e.retryAfterMillis(), settings.maxRetryAfter().toMillis());
        }
        log.info(
            "{} (attempt {}/{}); retrying in {} ms",
            e.getMessage(),
            attempt,
            settings.attempts(),
            delay);
        Thread.sleep(delay);
      }
    }
  }

  /** What the tries of one download carry over to the next: the validator and bytes moved. */
  private static final class Attempts {
    String ifRange;
    long transferred;
    boolean partMayExist;
  }

  /** One try of a download whose body streams through the hashers into the part file. */
  private Received streamed(
      FetchTask task, Path part, EnumSet<HashAlgorithm> algorithms, boolean alone, Attempts so)
      throws IOException {
    long offset = so.partMayExist && Files.exists(part) ? Files.size(part) : 0;
    so.partMayExist = true; // from this try on
    if (task.expected().size() != ExpectedFile.UNKNOWN_SIZE && offset > task.expected().size()) {
      Files.delete(part);
      offset = 0;
    }
    HashingOutputStream[] hasher = new HashingOutputStream[1];
    try {
      final long held = offset;
      Upstream.BodySink sink =
          fromStart -> {
            hasher[0] = open(part, fromStart || held == 0, algorithms);
            return hasher[0];
          };
      String validator = offset > 0 ? so.ifRange : null;
      Upstream.Download d =
          alone
              ? upstream.downloadAlone(task.upstreamPath(), offset, validator, sink)
              : upstream.download(task.upstreamPath(), offset, validator, sink);
      if (hasher[0] == null) {
        hasher[0] = open(part, false, algorithms); // 416: nothing more to read
        hasher[0].close();
      }
      so.transferred += d.bytes();
      long mtime = d.lastModifiedMillis().orElse(clock.millis());
      FileTimes.set(part, mtime);
      return new Received(hasher[0].count(), hasher[0].hashes(), mtime, so.transferred);
    } catch (FetchException e) {
      if (hasher[0] != null) so.transferred += Math.max(0, hasher[0].count() - offset);
      throw e;
    }
  }

  /**
   * One try of a download that the upstream puts in place itself (rsync) at the path given, hashed
   * once it is there.
   */
  private Received placed(
      PlacingUpstream placing,
      FetchTask task,
      Path part,
      EnumSet<HashAlgorithm> algorithms,
      boolean alone)
      throws IOException, InterruptedException {
    long transferred = placing.place(task.upstreamPath(), part, alone);
    HashingOutputStream hashing =
        new HashingOutputStream(OutputStream.nullOutputStream(), algorithms);
    try (InputStream in = Files.newInputStream(part)) {
      hashing.absorb(in);
    }
    long mtime = Files.getLastModifiedTime(part).toMillis();
    return new Received(hashing.count(), hashing.hashes(), mtime, transferred);
  }

  /** The If-Range validator for held bytes: a strong ETag, else the Last-Modified date. */
  private static String ifRangeOf(UpstreamValidators v, String previous) {
    if (v == null) return previous;
    if (v.etag() != null && !v.etag().startsWith("W/")) return v.etag();
    return v.lastModified() != null ? v.lastModified() : previous;
  }

  /**
   * Opens the part file for the body: truncated when the body is the whole file, else appended to,
   * with the held bytes fed through the digests first so the hashes cover the whole file.
   */
  private HashingOutputStream open(Path part, boolean fromStart, EnumSet<HashAlgorithm> algorithms)
      throws IOException {
    FileOutputStream file;
    try {
      file = new FileOutputStream(part.toFile(), !fromStart);
    } catch (IOException e) {
      throw new LocalWriteException(e);
    }
    HashingOutputStream hashing =
        new HashingOutputStream(new StagingOutputStream(file, settings.throttle()), algorithms);
    if (!fromStart) {
      try (InputStream held = Files.newInputStream(part)) {
        hashing.absorb(held);
      }
    }
    return hashing;
  }
}
