package org.repomirror.tree;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
  private static final int BATCH = 512;
  private static final Lines END = new Lines(0, List.of());

  private final String url;
  private final Consumer<TreeEntry> sink;
  private final int parsers;
  private final Bytes bytes = new Bytes();
  private final BlockingQueue<Lines> lines;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private boolean finished;

  /** Set before the threads are interrupted: a sink may take the interrupt for its own. */
  private volatile boolean closing;

  /** A run of lines, the first of them line {@code first}. */
  private record Lines(long first, List<String> lines) {}

  /**
   * @param url names the manifest in errors
   * @param parsers threads that parse lines and call the sink
   */
  ArrivingManifest(String url, Consumer<TreeEntry> sink, int parsers) {
    this.url = url;
    this.sink = sink;
    this.parsers = parsers;
    this.lines = new ArrayBlockingQueue<>(4 * parsers);
  }

  @Override
  public void arrived(byte[] b, int offset, int length) {
    if (threads.isEmpty()) start();
    bytes.add(Arrays.copyOfRange(b, offset, offset + length));
  }

  /**
   * The whole body has arrived: waits until every entry was handed to the sink.
   *
   * @throws FormatException the manifest is malformed, or not gzip
   */
  void finish() throws IOException, InterruptedException {
    if (threads.isEmpty()) start(); // an empty body: the reading says what is wrong with it
    bytes.end();
    for (Thread t : threads) t.join();
    finished = true;
    Throwable e = failure.get();
    switch (e) {
      case null -> {}
      case IOException io -> throw io;
      case UncheckedIOException unchecked -> throw unchecked.getCause();
      case RuntimeException runtime -> throw runtime;
      case Error error -> throw error;
      default -> throw new IOException(e);
    }
  }

  /** Stops the reading if the body did not all arrive (the fetch failed, or was interrupted). */
  @Override
  public void close() {
    if (finished) return;
    closing = true;
    bytes.fail(new IOException(url + ": the manifest did not all arrive"));
    threads.forEach(Thread::interrupt);
    boolean interrupted = false;
    for (Thread t : threads) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private void start() {
    threads.add(Thread.ofPlatform().name("manifest-lines " + url).daemon().start(this::cut));
    for (int i = 0; i < parsers; i++) {
      threads.add(
          Thread.ofPlatform().name("manifest-parse-" + i + " " + url).daemon().start(this::parse));
    }
  }

  /** Gunzips the bytes and cuts them into runs of lines for the parsers. */
  private void cut() {
    // Not the JDK's GZIPInputStream: before JDK 23, it took a member that ended while the next had
    // not yet arrived (available() said 0) for the end of the stream, and dropped the rest.
    try (InputStream in =
        GzipCompressorInputStream.builder()
            .setInputStream(bytes)
            .setDecompressConcatenated(true)
            .get()) {
      Manifest.Lines manifest = new Manifest.Lines(in);
      List<String> run = new ArrayList<>(BATCH);
      long first = 0;
      for (String line = manifest.next(); line != null; line = manifest.next()) {
        if (run.isEmpty()) first = manifest.number();
        run.add(line);
        if (run.size() == BATCH) {
          lines.put(new Lines(first, run));
          run = new ArrayList<>(BATCH);
        }
      }
      if (!run.isEmpty()) lines.put(new Lines(first, run));
    } catch (FormatException e) {
      fail(new FormatException(url + ": " + e.getMessage(), 0));
    } catch (InterruptedException e) {
      fail(new InterruptedIOException("interrupted while reading " + url));
      return; // closing: the parsers were interrupted too
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
      for (int i = 0; i < parsers; i++) lines.put(END);
    } catch (InterruptedException e) {
      fail(new InterruptedIOException("interrupted while reading " + url));
    }
  }

  /** Parses runs of lines into entries for the sink; after a failure, only drains them. */
  private void parse() {
    try {
      for (Lines run = lines.take(); run != END && !closing; run = lines.take()) {
        if (failure.get() != null) continue;
        long n = run.first();
        try {
          for (String line : run.lines()) sink.accept(Manifest.parseLine(line, n++));
        } catch (FormatException e) {
          fail(new FormatException(url + ": " + e.getMessage(), 0));
        } catch (Throwable e) {
          fail(e);
        }
      }
    } catch (InterruptedException e) {
      fail(new InterruptedIOException("interrupted while reading " + url));
    }
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
