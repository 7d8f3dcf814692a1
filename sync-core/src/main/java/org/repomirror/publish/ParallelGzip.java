package org.repomirror.publish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * gzip of a stream on several cores, as pigz does it: the bytes are cut into blocks of a fixed
 * size, each compressed on its own as a gzip member, and the members written in order. Concatenated
 * members are one valid gzip file (RFC 1952; Java's {@code GZIPInputStream} and zcat read them
 * through). The output depends only on the input, not on the timing: no timestamp, fixed blocks.
 * Level 1: a third of the CPU of the default for a slightly larger file. Not thread-safe.
 */
final class ParallelGzip extends OutputStream {
  /** Bytes of input per member: large enough that each member compresses about as well as one. */
  static final int BLOCK = 1 << 20;

  /** Members compressed or waiting at once: bounds the memory to about this many blocks. */
  private static final int IN_FLIGHT = 4;

  private final OutputStream out;
  private final ExecutorService cores;
  private final ArrayDeque<CompletableFuture<byte[]>> pending = new ArrayDeque<>();
  private byte[] block = new byte[BLOCK];
  private int filled;

  ParallelGzip(OutputStream out) {
    this.out = out;
    this.cores =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(IN_FLIGHT, Runtime.getRuntime().availableProcessors())),
            Thread.ofPlatform().daemon().name("manifest-gzip-", 0).factory());
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, BLOCK - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == BLOCK) submit();
    }
  }

  /** Hands the full block to a core, first writing out the oldest member if too many wait. */
  private void submit() throws IOException {
    if (pending.size() >= IN_FLIGHT) writeOldest();
    byte[] input = block;
    int length = filled;
    pending.add(CompletableFuture.supplyAsync(() -> member(input, length), cores));
    block = new byte[BLOCK];
    filled = 0;
  }

  private void writeOldest() throws IOException {
    try {
      out.write(pending.poll().get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : new IOException(e);
    }
  }

  /** One gzip member of the input's first {@code length} bytes. */
  private static byte[] member(byte[] input, int length) {
    ByteArrayOutputStream member = new ByteArrayOutputStream(length / 3 + 64);
    try (GZIPOutputStream gzip = new FastGzip(member)) {
      gzip.write(input, 0, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return member.toByteArray();
  }

  @Override
  public void close() throws IOException {
    try {
      if (filled > 0 || pending.isEmpty()) submit(); // an empty input is one empty member
      while (!pending.isEmpty()) writeOldest();
      out.close();
    } finally {
      cores.shutdownNow();
      Arrays.fill(block, (byte) 0);
    }
  }

  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
