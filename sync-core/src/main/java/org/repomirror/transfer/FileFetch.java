package org.repomirror.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.Optional;
import java.util.function.Supplier;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.fs.CrashPoint;
import org.repomirror.fs.StagingNames;
import org.repomirror.run.Ticker;
import org.repomirror.source.FetchException;
import org.repomirror.source.PlacingUpstream;
import org.repomirror.source.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file of a transfer, fetched and verified: taken from staging when an earlier run left it
 * there verified, else downloaded into its part file; fetched once more from scratch when its bytes
 * mismatch; then staged under its name, or quarantined (kept staged under mirror-as-is).
 * Thread-safe: the transfer's workers each fetch their own files.
 */
final class FileFetch {
  private static final Logger log = LoggerFactory.getLogger(FileFetch.class);

  private final Upstream upstream;
  private final Path staging;
  private final Path quarantine;
  private final Transfer.MismatchPolicy policy;
  private final Receiver receiver;
  private final Ticker ticker;
  private final Supplier<StagingContents> heldBefore;

  /**
   * @param heldBefore what staging held before the transfer wrote to it, read when it opened
   */
  FileFetch(
      Upstream upstream,
      Path staging,
      Path quarantine,
      Transfer.MismatchPolicy policy,
      Receiver receiver,
      Ticker ticker,
      Supplier<StagingContents> heldBefore) {
    this.upstream = upstream;
    this.staging = staging;
    this.quarantine = quarantine;
    this.policy = policy;
    this.receiver = receiver;
    this.ticker = ticker;
    this.heldBefore = heldBefore;
  }

  /** Fetches and verifies one file. */
  FetchOutcome fetch(FetchTask task) throws IOException, InterruptedException {
    Path staged = StagingNames.of(staging, task.localPath());
    // A file an upstream places whole (rsync) lands under its staged name at once, a rename less
    // for each file: a file staged but not verified, left by a crash, is hashed again by the next
    // run before it is taken, or fetched anew when nothing says what it should hash to.
    boolean placed = upstream instanceof PlacingUpstream;
    Path part = placed ? staged : staged.resolveSibling(staged.getFileName() + ".part");
    // Size plus the strongest checksum the index gives decides; SHA-256 is kept for the index.
    // Computing the weaker ones too would triple the CPU per byte for nothing.
    Hashes wanted = task.expected().hashes();
    EnumSet<HashAlgorithm> algorithms =
        wanted == null
            ? EnumSet.of(HashAlgorithm.SHA256)
            : EnumSet.of(HashAlgorithm.SHA256, wanted.strongest());
    String url = upstream.url(task.upstreamPath());
    long started = ticker.nanos();
    Optional<FetchOutcome.Fetched> left = verifiedInStaging(task, staged, algorithms, started);
    if (left.isPresent()) return left.get();
    Receiver.Received first = null;
    Receiver.Received last = null;
    for (int round = 0; round < 2; round++) {
      if (round == 1) {
        Files.deleteIfExists(part); // the second try starts from scratch
      }
      Receiver.Received r;
      try {
        boolean partHeld =
            round == 0 && heldBefore.get().partial().containsKey(part.getFileName().toString());
        r = receiver.receive(task, part, algorithms, round == 1, partHeld);
      } catch (FetchException e) {
        return unfetched(task, url, part, e);
      }
      if (round == 0) first = r;
      last = r;
      if (task.expected().accepts(r.size(), r.hashes())) {
        // Another file's bytes, not damaged ones: an answer out of order.
        if (round == 1 && first.size() != r.size()) upstream.misanswered(task.upstreamPath());
        if (!placed) {
          Files.move(
              part, staged, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        CrashPoint.reached("staged");
        return new FetchOutcome.Fetched(
            task,
            staged,
            r.size(),
            r.hashes(),
            r.mtimeMillis(),
            r.transferred(),
            ticker.nanos() - started);
      }
      log.warn(
          "{}: got {} bytes, {} {}; expected {} bytes, {}{}",
          url,
          r.size(),
          r.hashes().strongest(),
          r.hashes().get(r.hashes().strongest()).orElse("?"),
          task.expected().size(),
          wanted == null ? "no checksum" : wanted.values(),
          round == 0 ? "; fetching once more from scratch" : "");
    }
    return mismatched(task, url, part, staged, last);
  }

  /**
   * A file whose bytes failed twice: kept in staging for mirror-as-is, else moved to quarantine.
   */
  private FetchOutcome mismatched(
      FetchTask task, String url, Path part, Path staged, Receiver.Received last)
      throws IOException {
    String reason =
        "size or checksum mismatch: expected "
            + task.expected().size()
            + " bytes, got "
            + last.size();
    if (policy == Transfer.MismatchPolicy.MIRROR_AS_IS) {
      if (!part.equals(staged)) {
        Files.move(
            part, staged, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return new FetchOutcome.Failed(
          task, url, reason, last.size(), last.hashes(), staged, last.mtimeMillis(), false);
    }
    Path q = quarantine.resolve(task.localPath());
    Files.createDirectories(q.getParent());
    Files.move(part, q, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new FetchOutcome.Failed(
        task, url, reason, last.size(), last.hashes(), q, last.mtimeMillis(), true);
  }

  /** The outcome of a download that got no usable body: not there, refused, or gave up. */
  private static FetchOutcome unfetched(FetchTask task, String url, Path part, FetchException e)
      throws IOException {
    if (e.kind() == FetchException.Kind.NOT_FOUND) {
      Files.deleteIfExists(part);
      return new FetchOutcome.Missing(task, url, e.status());
    }
    if (e.kind() == FetchException.Kind.FATAL) {
      return new FetchOutcome.Refused(task, url, e.status(), e.getMessage());
    }
    return new FetchOutcome.Failed(task, url, e.getMessage(), -1, null, null, 0, false);
  }

  /**
   * A file an interrupted run verified and staged but did not publish: hashed again, and taken when
   * it is still what is wanted, so that a crash costs no download of it.
   */
  private Optional<FetchOutcome.Fetched> verifiedInStaging(
      FetchTask task, Path staged, EnumSet<HashAlgorithm> algorithms, long started)
      throws IOException {
    if (task.expected().hashes() == null
        || !heldBefore.get().whole().containsKey(staged.getFileName().toString())
        || !Files.isRegularFile(staged)) {
      return Optional.empty();
    }
    HashingOutputStream hashing =
        new HashingOutputStream(OutputStream.nullOutputStream(), algorithms);
    try (InputStream in = Files.newInputStream(staged)) {
      hashing.absorb(in);
    }
    Hashes hashes = hashing.hashes();
    if (!task.expected().accepts(hashing.count(), hashes)) {
      Files.delete(staged);
      return Optional.empty();
    }
    log.debug("{}: verified in staging by an earlier run; not fetched again", task.localPath());
    return Optional.of(
        new FetchOutcome.Fetched(
            task,
            staged,
            hashing.count(),
            hashes,
            Files.getLastModifiedTime(staged).toMillis(),
            0,
            ticker.nanos() - started));
  }
}
