package org.repomirror.apt;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BiFunction;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.run.Causes;
import org.repomirror.source.FetchException;
import org.repomirror.source.Upstream;
import org.repomirror.source.UpstreamValidators;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.trust.TrustException;
import org.repomirror.trust.VerifiedRelease;

/**
 * Fetches a suite's Release conditionally and verifies its signature: InRelease when there is one
 * (a Release and Release.gpg beside it are mirrored too, and checked), else Release and
 * Release.gpg. When the upstream says the Release is unchanged, the published copy is verified
 * instead, with the same keyring: a run's keyring decides every time, not only when the upstream
 * changes. Thread-safe if the upstream is.
 */
public final class ReleaseFetcher {
  private static final int MAX_RELEASE_BYTES = 64 * 1024 * 1024;

  /** The mirror's published copy of a Release file, by its path; empty when it has none. */
  @FunctionalInterface
  public interface Published {
    Optional<byte[]> read(String path) throws IOException;
  }

  private final Upstream upstream;
  private final Optional<ReleaseVerifier> verifier;
  private final BiFunction<String, String, UpstreamValidators> previous;
  private final Published published;

  /**
   * @param verifier checks signatures; empty only when verification is disabled
   * @param previous the validators to send for a URL and the local path of its file, or null for an
   *     unconditional fetch (when the mirror's copy is gone, say)
   * @param published the mirror's Release files, verified when the upstream's are unchanged
   */
  public ReleaseFetcher(
      Upstream upstream,
      Optional<ReleaseVerifier> verifier,
      BiFunction<String, String, UpstreamValidators> previous,
      Published published) {
    this.upstream = upstream;
    this.verifier = verifier;
    this.previous = previous;
    this.published = published;
  }

  /**
   * Tells the upstream which Release files the suites' fetches will ask for, so that one that can
   * bring them all at once does; close it once the suites are fetched.
   */
  public Upstream.Prefetch prefetch(Collection<String> dists) {
    List<String> paths = new ArrayList<>();
    for (String d : dists) {
      paths.addAll(List.of(d + "/InRelease", d + "/Release", d + "/Release.gpg"));
    }
    return upstream.prefetch(paths);
  }

  /**
   * @throws TrustException when the signature is bad, unknown or missing
   * @throws FormatException when the Release cannot be parsed
   * @throws FetchException when the Release cannot be fetched
   */
  public FetchedRelease fetch(String dist) throws IOException, TrustException {
    String inPath = dist + "/InRelease";
    Optional<Upstream.Conditional> in = conditional(inPath);
    if (in.isPresent() && in.get() instanceof Upstream.NotModified) return unchanged(dist);
    if (in.isPresent()) return fromInRelease(dist, (Upstream.Body) in.get());
    String releasePath = dist + "/Release";
    Upstream.Conditional c =
        conditional(releasePath)
            .orElseThrow(
                () ->
                    new FetchException(
                        FetchException.Kind.NOT_FOUND,
                        upstream.url(releasePath),
                        404,
                        "neither InRelease nor Release exists",
                        0,
                        null));
    if (c instanceof Upstream.NotModified) return unchanged(dist);
    return fromRelease(dist, (Upstream.Body) c);
  }

  private FetchedRelease fromInRelease(String dist, Upstream.Body in)
      throws IOException, TrustException {
    // The Release and its detached signature travel together while the InRelease is verified: one
    // round trip for the two, not one each after it.
    FutureTask<Optional<Upstream.Body>> releaseFetch = aside(dist + "/Release");
    FutureTask<Optional<Upstream.Body>> gpgFetch = aside(dist + "/Release.gpg");
    try {
      List<RawFile> raw = new ArrayList<>();
      raw.add(new RawFile(dist + "/InRelease", in.bytes(), in.lastModifiedMillis()));
      Optional<VerifiedRelease> verified =
          verifier.isPresent()
              ? Optional.of(verifier.get().verifyClearSigned(in.bytes()))
              : Optional.empty();
      byte[] text =
          verified.isPresent()
              ? verified.get().signedText()
              : ReleaseVerifier.unverifiedText(in.bytes());
      ReleaseFile parsed = ReleaseFile.parse(text);
      List<String> warnings = new ArrayList<>();
      Optional<Upstream.Body> release = await(releaseFetch);
      if (release.isPresent()) {
        byte[] bytes = release.get().bytes();
        if (!Arrays.equals(bytes, text) && !sameFiles(parsed, bytes)) {
          throw new FetchedRelease.Inconsistent();
        }
        raw.add(new RawFile(dist + "/Release", bytes, release.get().lastModifiedMillis()));
        Optional<Upstream.Body> gpg = await(gpgFetch);
        if (gpg.isPresent()) {
          raw.add(
              new RawFile(
                  dist + "/Release.gpg", gpg.get().bytes(), gpg.get().lastModifiedMillis()));
          if (verifier.isPresent()) {
            try {
              verifier.get().verifyDetached(bytes, gpg.get().bytes());
            } catch (TrustException e) {
              // The InRelease vouches for the Release; only its detached signature is wrong, as on
              // the upstream. Mirrored as it is: apt reads InRelease, older apt fails as it would.
              warnings.add(
                  dist
                      + "/Release.gpg does not verify the Release ("
                      + e.getMessage()
                      + "), which the InRelease vouches for: a stale copy upstream? Mirrored as"
                      + " the upstream serves it; apt before 0.8.11, which reads it, refuses it"
                      + " there too");
            }
          }
        }
      }
      return new FetchedRelease.Fetched(
          parsed, raw, verified, upstream.url(dist + "/InRelease"), in.validators(), warnings);
    } finally {
      releaseFetch.cancel(true); // nothing, once it is done
      gpgFetch.cancel(true);
    }
  }

  /** Fetches a file, if the upstream has it, on a thread of its own. */
  private FutureTask<Optional<Upstream.Body>> aside(String path) {
    FutureTask<Optional<Upstream.Body>> task = new FutureTask<>(() -> fetchIfPresent(path));
    Thread.ofVirtual().name("release-fetch").start(task);
    return task;
  }

  private static Optional<Upstream.Body> await(FutureTask<Optional<Upstream.Body>> task)
      throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching a Release file");
    } catch (ExecutionException e) {
      throw Causes.ofTask(e);
    }
  }

  /** Whether a Release lists the same files, sizes and checksums as the InRelease's text. */
  private static boolean sameFiles(ReleaseFile signed, byte[] release) {
    try {
      return ReleaseFile.parse(release).files().equals(signed.files());
    } catch (FormatException e) {
      return false;
    }
  }

  private FetchedRelease fromRelease(String dist, Upstream.Body release)
      throws IOException, TrustException {
    List<RawFile> raw = new ArrayList<>();
    raw.add(new RawFile(dist + "/Release", release.bytes(), release.lastModifiedMillis()));
    Optional<Upstream.Body> gpg = fetchIfPresent(dist + "/Release.gpg");
    Optional<VerifiedRelease> verified = Optional.empty();
    if (gpg.isPresent()) {
      raw.add(
          new RawFile(dist + "/Release.gpg", gpg.get().bytes(), gpg.get().lastModifiedMillis()));
      if (verifier.isPresent()) {
        verified = Optional.of(verifier.get().verifyDetached(release.bytes(), gpg.get().bytes()));
      }
    } else if (verifier.isPresent()) {
      throw new TrustException("neither InRelease nor Release.gpg exists: the Release is unsigned");
    }
    return new FetchedRelease.Fetched(
        ReleaseFile.parse(release.bytes()),
        raw,
        verified,
        upstream.url(dist + "/Release"),
        release.validators(),
        List.of());
  }

  /**
   * An unchanged suite, its published Release verified with this run's keyring.
   *
   * @throws TrustException when the published copy does not verify with it
   */
  private FetchedRelease unchanged(String dist) throws IOException, TrustException {
    if (verifier.isEmpty()) return new FetchedRelease.Unchanged(Optional.empty());
    Optional<byte[]> in = published.read(dist + "/InRelease");
    if (in.isPresent()) {
      return new FetchedRelease.Unchanged(Optional.of(verifier.get().verifyClearSigned(in.get())));
    }
    Optional<byte[]> release = published.read(dist + "/Release");
    Optional<byte[]> gpg = published.read(dist + "/Release.gpg");
    if (release.isEmpty() || gpg.isEmpty()) {
      throw new TrustException("the published Release has no signature to check");
    }
    return new FetchedRelease.Unchanged(
        Optional.of(verifier.get().verifyDetached(release.get(), gpg.get())));
  }

  /** A conditional fetch, or empty on a 404. */
  private Optional<Upstream.Conditional> conditional(String path) throws IOException {
    try {
      return Optional.of(
          upstream.fetch(path, previous.apply(upstream.url(path), path), MAX_RELEASE_BYTES));
    } catch (FetchException e) {
      if (e.kind() == FetchException.Kind.NOT_FOUND) return Optional.empty();
      throw e;
    }
  }

  private Optional<Upstream.Body> fetchIfPresent(String path) throws IOException {
    try {
      return Optional.of((Upstream.Body) upstream.fetch(path, null, MAX_RELEASE_BYTES));
    } catch (FetchException e) {
      if (e.kind() == FetchException.Kind.NOT_FOUND) return Optional.empty();
      throw e;
    }
  }

  /** Whether the upstream still serves the same bytes at a path; a 404 counts as a change. */
  public boolean sameAs(String path, byte[] published) throws IOException {
    return fetchIfPresent(path)
        .filter(b -> java.util.Arrays.equals(b.bytes(), published))
        .isPresent();
  }
}
