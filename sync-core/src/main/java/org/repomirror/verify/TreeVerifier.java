package org.repomirror.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.repomirror.apt.Dists;
import org.repomirror.apt.PoolIndexReader;
import org.repomirror.apt.SecondLevelIndexes;
import org.repomirror.apt.SuiteSelection;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.IndexVariants;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.index.FileRecord;
import org.repomirror.index.Index;
import org.repomirror.run.Ticker;
import org.repomirror.store.PublishedFiles;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.trust.TrustException;

/**
 * Proves a mirror intact: its published tree, on disk or in a bucket, against the index (size and
 * mtime, or every byte re-hashed in parallel with {@code full}), the tree for files nobody
 * recorded, and each mirrored suite's chain signature → Release → indexes → files. Reads only; safe
 * while the server runs.
 */
public final class TreeVerifier {
  private final PublishedFiles tree;
  private final Index index;
  private final ReleaseVerifier signatures;
  private final boolean full;
  private final int threads;
  private final Set<String> alwaysHash;
  private final boolean touchedOnly;
  private final List<VerifyReport.Problem> problems = new ArrayList<>();

  /** The files the suite whose chain is being checked was published without (allow-errors). */
  private java.util.Set<String> publishedWithout = java.util.Set.of();

  private final AtomicLong files = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong bytesHashed = new AtomicLong();

  /**
   * @param signatures checks each suite's signature; null to check the chain from the Release on
   * @param full re-hash every file rather than compare size and mtime
   */
  public TreeVerifier(
      PublishedFiles tree, Index index, ReleaseVerifier signatures, boolean full, int threads) {
    this(tree, index, signatures, full, threads, Set.of(), false);
  }

  /**
   * Checks only what a sync just wrote, re-hashed, plus every suite's signed chain: the proof a
   * final sync ends with, in time proportional to the change.
   *
   * @param touched the paths the sync wrote
   */
  public static TreeVerifier ofTouched(
      PublishedFiles tree,
      Index index,
      ReleaseVerifier signatures,
      int threads,
      Set<String> touched) {
    return new TreeVerifier(tree, index, signatures, false, threads, touched, true);
  }

  private TreeVerifier(
      PublishedFiles tree,
      Index index,
      ReleaseVerifier signatures,
      boolean full,
      int threads,
      Set<String> alwaysHash,
      boolean touchedOnly) {
    this.alwaysHash = alwaysHash;
    this.touchedOnly = touchedOnly;
    this.tree = tree;
    this.index = index;
    this.signatures = signatures;
    this.full = full;
    this.threads = threads;
  }

  public VerifyReport run() throws IOException, InterruptedException {
    long t0 = Ticker.SYSTEM.nanos();
    if (touchedOnly) {
      checkTouchedFiles();
    } else {
      // The listing first: a tree that cannot be listed (a store out of reach) aborts the run
      // rather than failing each file.
      checkForUnexpectedFiles();
      checkRecordedFiles();
    }
    List<String> suites = new ArrayList<>();
    for (String dist : index.suites()) {
      suites.add(dist);
      checkChain(dist);
    }
    // A file two indexes list (a udeb in debian-installer's Packages for amd64 and all) is one
    // problem.
    List<VerifyReport.Problem> sorted = new ArrayList<>(new java.util.LinkedHashSet<>(problems));
    sorted.sort(
        java.util.Comparator.comparing(VerifyReport.Problem::kind)
            .thenComparing(VerifyReport.Problem::path));
    return new VerifyReport(
        full ? "full" : "fast",
        signatures == null
            ? "not checked (no keyring given)"
            : suites.isEmpty() ? "none to check (no suite is published)" : "checked",
        files.get(),
        bytes.get(),
        bytesHashed.get(),
        (Ticker.SYSTEM.nanos() - t0) / 1_000_000,
        suites,
        sorted);
  }

  private void problem(String kind, String path, String detail) {
    synchronized (problems) {
      problems.add(new VerifyReport.Problem(kind, path, detail));
    }
  }

  /** Every file the index holds, several at a time, with a bounded queue. */
  private void checkRecordedFiles() throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Semaphore inFlight = new Semaphore(threads * 4);
    try {
      index.forEachFile(
          "",
          r -> {
            inFlight.acquireUninterruptibly();
            pool.execute(
                () -> {
                  try {
                    check(r);
                  } finally {
                    inFlight.release();
                  }
                });
          });
    } finally {
      pool.shutdown();
      pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
    }
  }

  private void checkTouchedFiles() throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (String path : alwaysHash) {
        Optional<FileRecord> r = index.file(path);
        if (r.isEmpty()) {
          problem("missing", path, "written by the sync, not in the index");
        } else {
          pool.execute(() -> check(r.get()));
        }
      }
    } finally {
      pool.shutdown();
      pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
    }
  }

  private void check(FileRecord r) {
    files.incrementAndGet();
    try {
      Optional<PublishedFiles.Entry> found = tree.entry(r.path());
      if (found.isEmpty()) {
        problem("missing", r.path(), "recorded in the index, not in " + tree.where());
        return;
      }
      PublishedFiles.Entry a = found.get();
      if (r.isLink()) {
        if (!r.linkTarget().equals(a.linkTarget())) {
          problem("mismatch", r.path(), "should be a link to " + r.linkTarget());
        }
        return;
      }
      if (!a.regularFile()) {
        problem("mismatch", r.path(), "not a regular file");
        return;
      }
      bytes.addAndGet(a.size());
      if (a.size() != r.size()) {
        problem("mismatch", r.path(), "size " + a.size() + ", the index says " + r.size());
      } else if (full || alwaysHash.contains(r.path())) {
        HashAlgorithm alg =
            r.hashes().get(HashAlgorithm.SHA256).isPresent()
                ? HashAlgorithm.SHA256
                : r.hashes().strongest();
        String actual = tree.hash(r.path(), alg, bytesHashed::addAndGet);
        if (!actual.equals(r.hashes().get(alg).orElseThrow())) {
          problem(
              "mismatch",
              r.path(),
              alg + " " + actual + ", the index says " + r.hashes().get(alg).orElseThrow());
        }
      } else if (a.mtimeMillis() != r.mtimeMillis()) {
        problem("mismatch", r.path(), "modified since it was mirrored (mtime changed)");
      }
    } catch (NoSuchFileException e) {
      problem("missing", r.path(), "recorded in the index, not in " + tree.where());
    } catch (IOException e) {
      problem("unreadable", r.path(), e.toString());
    }
  }

  /** Files in the tree that the index does not know: left by hand, or by a bug. */
  private void checkForUnexpectedFiles() throws IOException {
    tree.forEachPath(
        rel -> {
          if (rel.contains("/.")
              || rel.startsWith("project/repomirror/")
              || rel.startsWith("project/trace/")) {
            return;
          }
          if (index.file(rel).isEmpty()) {
            problem("unexpected", rel, "in " + tree.where() + ", not in the index");
          }
        });
  }

  /** Signature → Release → the indexes it lists → the files they list, all as mirrored. */
  private void checkChain(String dist) {
    publishedWithout = index.publishedWithout(dist);
    String base = Dists.base(dist);
    ReleaseFile release;
    try {
      release = ReleaseFile.parse(signedText(dist));
    } catch (TrustException e) {
      problem(VerifyReport.SIGNATURE, dist, e.getMessage());
      return;
    } catch (IOException e) {
      problem("chain", dist, "cannot read the Release: " + e.getMessage());
      return;
    }
    List<String> present = new ArrayList<>();
    for (ExpectedFile e : release.files()) {
      if (SuiteSelection.isReleaseFile(e.path())) continue; // a self-listing Release, as apt skips
      String path = dist + "/" + e.path();
      Optional<FileRecord> r = index.file(path);
      if (r.isEmpty()) continue; // a listed variant the upstream does not carry
      present.add(path);
      if (r.get().size() != e.size() || !e.hashes().matches(r.get().hashes())) {
        problem("chain", path, "differs from what the signed Release lists");
      }
    }
    for (String indexPath : IndexVariants.choose(present)) {
      try {
        checkIndex(indexPath, base);
      } catch (IOException e) {
        problem("chain", indexPath, "cannot read: " + e.getMessage());
      }
    }
    for (String indexPath : SecondLevelIndexes.choose(present)) {
      try (InputStream in = tree.open(indexPath)) {
        SecondLevelIndexes.read(indexPath, in, f -> checkSecondLevel(indexPath, f));
      } catch (FormatException e) {
        problem("chain", indexPath, "malformed: " + e.getMessage());
      } catch (IOException e) {
        problem("chain", indexPath, "cannot read: " + e.getMessage());
      }
    }
  }

  /**
   * A file a second-level index lists (a patch, an installer image), when the mirror holds it: the
   * sync may have left one out by choice (an installer version) or found it absent upstream.
   */
  private void checkSecondLevel(String indexPath, ExpectedFile f) {
    Optional<FileRecord> r = index.file(f.path());
    if (r.isEmpty()) return;
    boolean size = f.size() == ExpectedFile.UNKNOWN_SIZE || r.get().size() == f.size();
    if (!size || !f.hashes().matches(r.get().hashes())) {
      problem("chain", f.path(), "differs from what " + indexPath + " lists");
    }
  }

  private byte[] signedText(String dist) throws IOException, TrustException {
    Optional<byte[]> in = read(dist + "/InRelease");
    if (in.isPresent()) {
      return signatures != null
          ? signatures.verifyClearSigned(in.get()).signedText()
          : ReleaseVerifier.unverifiedText(in.get());
    }
    byte[] release = read(dist + "/Release").orElseThrow(() -> new NoSuchFileException("Release"));
    if (signatures != null) {
      Optional<byte[]> gpg = read(dist + "/Release.gpg");
      if (gpg.isEmpty()) throw new TrustException("no InRelease and no Release.gpg");
      return signatures.verifyDetached(release, gpg.get()).signedText();
    }
    return release;
  }

  /** A file's bytes, or empty when there is none. */
  private Optional<byte[]> read(String path) throws IOException {
    try (InputStream in = tree.open(path)) {
      return Optional.of(in.readAllBytes());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private void checkIndex(String indexPath, String base) throws IOException {
    try (InputStream in = tree.open(indexPath)) {
      PoolIndexReader.read(indexPath, in, base, f -> checkListed(indexPath, f));
    } catch (FormatException e) {
      problem("chain", indexPath, "malformed: " + e.getMessage());
    }
  }

  private void checkListed(String indexPath, ExpectedFile f) {
    String path = f.path();
    Optional<FileRecord> r = index.file(path);
    if (r.isEmpty() && publishedWithout.contains(path)) return; // as the sync was allowed to
    if (r.isEmpty()) {
      problem("chain", path, "listed by " + indexPath + ", not in the mirror");
    } else if (r.get().size() != f.size() || !f.hashes().matches(r.get().hashes())) {
      problem("chain", path, "differs from what " + indexPath + " lists");
    }
  }
}
