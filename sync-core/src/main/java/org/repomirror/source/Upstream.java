package org.repomirror.source;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where a mirror's files come from. Implementations are thread-safe: the transfer calls them from
 * several threads at once.
 */
public interface Upstream {

  /** The result of a conditional fetch of a small file. */
  sealed interface Conditional {}

  /** The file has not changed since the validators were taken. */
  record NotModified() implements Conditional {}

  /**
   * The file's bytes.
   *
   * @param lastModifiedMillis the upstream's Last-Modified, or empty
   */
  record Body(byte[] bytes, UpstreamValidators validators, Optional<Long> lastModifiedMillis)
      implements Conditional {}

  /**
   * Fetches a small file (Release, InRelease, Release.gpg, a directory's index page) into memory,
   * conditionally.
   *
   * @param path relative to the upstream root
   * @param previous validators from the last fetch, or null for an unconditional fetch
   * @param maxBytes a larger body is an error, not an allocation
   * @throws FetchException classified; NOT_FOUND for 404
   */
  Conditional fetch(String path, UpstreamValidators previous, int maxBytes) throws IOException;

  /**
   * Fetches a file as {@link #fetch(String, UpstreamValidators, int)} does, telling {@code
   * arrivals} of its body's bytes as they come, so that a large listing (a peer's manifest) can be
   * read while it arrives. Nothing arrives for an answer other than the file. This upstream never
   * waits for {@code arrivals} beyond its call: whatever reads them runs on a thread of its own.
   */
  default Conditional fetch(
      String path, UpstreamValidators previous, int maxBytes, Arrivals arrivals)
      throws IOException {
    Conditional answer = fetch(path, previous, maxBytes);
    if (answer instanceof Body body && body.bytes().length > 0) {
      arrivals.arrived(body.bytes(), 0, body.bytes().length);
    }
    return answer;
  }

  /** Hears a fetched body's bytes as they arrive, in order; the array is reused after the call. */
  @FunctionalInterface
  interface Arrivals {
    void arrived(byte[] bytes, int offset, int length);
  }

  /**
   * Hears that these small files will be fetched one by one soon ({@link #fetch}), so that an
   * upstream whose every exchange is costly (a run of rsync) can bring them all in one. Paths the
   * upstream lacks are no error. Each file brought this way answers the first fetch of it only, and
   * only until the prefetch is closed; later fetches ask the upstream again.
   */
  default Prefetch prefetch(Collection<String> paths) {
    return () -> {};
  }

  /** What a prefetch brought; closing it forgets what was not fetched, so nothing stale lingers. */
  @FunctionalInterface
  interface Prefetch extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Streams a file into a sink, from an offset (a resumed download).
   *
   * @param path relative to the upstream root
   * @param offset bytes already held; 0 for the whole file
   * @param ifRange the validator of the held bytes (for If-Range), or null
   * @param sink opened once the response shows whether the body starts at the offset or, when the
   *     upstream ignored the range, at byte 0
   * @throws FetchException classified; TRANSIENT for a body shorter than announced
   */
  Download download(String path, long offset, String ifRange, BodySink sink) throws IOException;

  /**
   * Streams a file as {@link #download} does, on a request of its own that no other shares a
   * connection with: the fresh second fetch of a file whose bytes mismatched, which an upstream
   * that answered its pipelined requests out of order would mismatch again.
   */
  default Download downloadAlone(String path, long offset, String ifRange, BodySink sink)
      throws IOException {
    return download(path, offset, ifRange, sink);
  }

  /**
   * Hears that a file's first download mismatched while its download alone matched: the first
   * answer was another file's bytes. An upstream that pipelines stops doing so.
   */
  default void misanswered(String path) {}

  /** What went wrong with the upstream that the report should say, each said once. */
  default List<String> warnings() {
    return List.of();
  }

  /** How the run's requests went, by protocol, for the report; empty where it says nothing. */
  default List<TransportUse> transportUse() {
    return List.of();
  }

  /**
   * How many downloads each connection can carry at once: the transfer runs up to its connections
   * times this many.
   */
  default int depth() {
    return 1;
  }

  /**
   * How many downloads the transfer now keeps under way on each connection, at most {@link #depth}:
   * an upstream that pipelines holds each connection to as many, so that they spread evenly.
   */
  default void keepInFlight(int perConnection) {}

  /** Where a download's body goes. */
  @FunctionalInterface
  interface BodySink {
    /**
     * @param fromStart true when the body is the whole file, false when it continues the held bytes
     */
    OutputStream open(boolean fromStart) throws IOException;
  }

  /**
   * What a download received.
   *
   * @param restarted true when the sink got the file from byte 0 although an offset was asked
   * @param validators the ETag or Last-Modified of the file, for a later If-Range
   */
  record Download(
      boolean restarted,
      long bytes,
      UpstreamValidators validators,
      Optional<Long> lastModifiedMillis) {}

  /** The URL of a path, for reports. */
  String url(String path);

  /**
   * Breaks off the requests under way, from any thread: a stopped sync does not wait for a stalled
   * download. Those requests fail; later ones are made as usual.
   */
  default void stop() {}
}
