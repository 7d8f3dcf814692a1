package org.repomirror.tree;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.repomirror.debian.FormatException;
import org.repomirror.source.Upstream;
import org.repomirror.tree.format.Manifest;
import org.repomirror.tree.format.TreeEntry;

/**
 * A peer's manifest, read while it arrives. One thread gunzips the bytes and cuts them into lines;
 * others parse the lines and hand the entries to the sink, whose lookups of the index and stats of
 * the mirror's files are most of the work. The network only ever adds bytes here, never waits for
 * this reading: it must not, as a fetch the sink wants may be queued behind the manifest's on its
 * connection.
 *
 * <p>Every entry handed on is a whole, checked line. A manifest that breaks off or turns out
 * malformed fails the listing, as it did when it was read after it had all arrived; the entries
 * before the break were genuine lines, and each file is still verified against its own SHA-256.
 */
final class ArrivingManifest implements Upstream.Arrivals, AutoCloseable {
  private final String url;
  private final Consumer<TreeEntry> sink;
  private final int parsers;
  private final Bytes bytes = new Bytes();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Thread cutter;
  private BatchThreads<Line> parsing;
  private boolean finished;

  /** An entry line and its number, for errors. */
  private record Line(long number, String text) {}

  /**
   * @param url names the manifest in errors
   * @param parsers threads that parse lines and call the sink
   */
  ArrivingManifest(String url, Consumer<TreeEntry> sink, int parsers) {
    this.url = url;
    this.sink = sink;
    this.parsers = parsers;
  }

  @Override
  public void arrived(byte[] b, int offset, int length) {
    if (cutter == null) start();
    bytes.add(Arrays.copyOfRange(b, offset, offset + length));
  }

  /**
   * The whole body has arrived: waits until every entry was handed to the sink.
   *
   * @throws FormatException the manifest is malformed, or not gzip
   */
  void finish() throws IOException, InterruptedException {
    if (cutter == null) start(); // an empty body: the reading says what is wrong with it
    bytes.end();
    cutter.join();
    finished = true;
    switch (failure.get()) {
      case null -> {}
      case IOException e -> throw e;
      case RuntimeException e -> throw e;
      case Error e -> throw e;
      case Throwable e -> throw new IOException(e);
    }
  }

  /** Stops the reading if the body did not all arrive (the fetch failed, or was interrupted). */
  @Override
  public void close() {
    if (finished || cutter == null) return;
    bytes.fail(new IOException(url + ": the manifest did not all arrive"));
    cutter.interrupt();
    parsing.close();
    BatchThreads.joinUninterruptibly(cutter);
  }

  private void start() {
    parsing = new BatchThreads<>("manifest-parse " + url, parsers, this::parse);
    cutter = Thread.ofPlatform().name("manifest-lines " + url).daemon().start(this::cut);
  }

  /** Gunzips the bytes and cuts them into lines for the parsers, then waits for them. */
  private void cut() {
    // Not the JDK's GZIPInputStream: before JDK 23, it took a member that ended while the next had
    // not yet arrived (available() said 0) for the end of the stream, and dropped the rest.
    try (InputStream in =
        GzipCompressorInputStream.builder()
            .setInputStream(bytes)
            .setDecompressConcatenated(true)
            .get()) {
      Manifest.Lines manifest = new Manifest.Lines(in);
      for (String line = manifest.next(); line != null && !parsing.failed(); ) {
        parsing.add(new Line(manifest.number(), line));
        line = manifest.next();
      }
    } catch (FormatException e) {
      fail(new FormatException(url + ": " + e.getMessage(), 0));
    } catch (InterruptedException e) {
      fail(new InterruptedIOException("interrupted while reading " + url));
      return; // closing: the parsers are stopped
    } catch (IOException e) {
      // What the decompressor found; a failed fetch also ends here, but then the fetch's own
      // failure is what the listing reports.
      fail(
          new FormatException(
              url + ": not a whole gzip-compressed manifest: " + e.getMessage(), 0));
    } catch (Throwable e) {
      fail(e);
    }
    try {
      parsing.finish(); // the lines cut so far are whole, checked lines: they are handed on
    } catch (FormatException e) {
      fail(new FormatException(url + ": " + e.getMessage(), 0));
    } catch (InterruptedException e) {
      fail(new InterruptedIOException("interrupted while reading " + url));
    } catch (Throwable e) {
      fail(e);
    }
  }

  private void parse(List<Line> lines) throws FormatException {
    for (Line line : lines) sink.accept(Manifest.parseLine(line.text(), line.number()));
  }

  private void fail(Throwable e) {
    failure.compareAndSet(null, e);
  }

  /**
   * The body's bytes as they arrive, read as a stream that waits for more. Parts are let go once
   * read.
   */
  private static final class Bytes extends InputStream {
    private final ArrayDeque<byte[]> parts = new ArrayDeque<>();
    private byte[] part = new byte[0];
    private int pos;
    private boolean ended;
    private IOException failure;

    synchronized void add(byte[] b) {
      parts.add(b);
      notifyAll();
    }

    synchronized void end() {
      ended = true;
      notifyAll();
    }

    synchronized void fail(IOException e) {
      failure = e;
      notifyAll();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int offset, int length) throws IOException {
      if (length == 0) return 0;
      while (pos == part.length) {
        if (failure != null) throw failure;
        byte[] next = parts.poll();
        if (next != null) {
          part = next;
          pos = 0;
        } else if (ended) {
          return -1;
        } else {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the manifest arrived");
          }
        }
      }
      int n = Math.min(length, part.length - pos);
      System.arraycopy(part, pos, b, offset, n);
      pos += n;
      return n;
    }
  }
}
