package org.repomirror.debian;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * The compressions of Debian indexes. Each opens a decompressing stream over its input, so indexes
 * are parsed as streams and never held whole in memory.
 */
public enum Compression {
  NONE(""),
  GZIP(".gz"),
  XZ(".xz"),
  BZIP2(".bz2"),
  LZMA(".lzma"),
  ZSTD(".zst");

  private final String extension;

  Compression(String extension) {
    this.extension = extension;
  }

  /** The file name extension, with its dot; empty for NONE. */
  public String extension() {
    return extension;
  }

  /** The compression a file name says, e.g. {@code Packages.xz} → XZ. */
  public static Compression ofFileName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (Compression c : values()) {
      if (c != NONE && lower.endsWith(c.extension)) return c;
    }
    return NONE;
  }

  /** The index name without its compression extension: {@code Packages.xz} → {@code Packages}. */
  public static String stripExtension(String name) {
    Compression c = ofFileName(name);
    return name.substring(0, name.length() - c.extension.length());
  }

  /**
   * Identifies a compression by its magic bytes. LZMA alone has no reliable magic, so it is known
   * only by name.
   */
  public static Compression sniff(byte[] head) {
    if (startsWith(head, 0x1f, 0x8b)) return GZIP;
    if (startsWith(head, 0xfd, '7', 'z', 'X', 'Z', 0x00)) return XZ;
    if (startsWith(head, 'B', 'Z', 'h')) return BZIP2;
    if (startsWith(head, 0x28, 0xb5, 0x2f, 0xfd)) return ZSTD;
    return NONE;
  }

  /**
   * Opens a decompressing stream.
   *
   * @throws FormatException when the content's magic bytes say another compression than this
   */
  public InputStream open(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
    in.mark(8);
    byte[] head = in.readNBytes(6);
    in.reset();
    Compression actual = sniff(head);
    if (actual == NONE && this == LZMA) {
      actual = LZMA; // no magic to check
    }
    if (actual != this) {
      throw new FormatException("content is " + actual + " but the name says " + this, 0);
    }
    if (actual == NONE) return in;
    try {
      InputStream decompressing =
          switch (actual) {
            case NONE -> in;
            case GZIP ->
                GzipCompressorInputStream.builder()
                    .setInputStream(in)
                    .setDecompressConcatenated(true)
                    .get();
            case XZ -> new XZCompressorInputStream(in, true);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case LZMA -> new LZMACompressorInputStream(in);
            case ZSTD -> new ZstdCompressorInputStream(in);
          };
      return new CorruptionAsFormatError(decompressing, this);
    } catch (IOException | RuntimeException e) {
      throw new FormatException("cannot decompress " + this + ": " + e.getMessage(), 0);
    }
  }

  /**
   * Reports what the decompressor finds wrong in the data (xz's CorruptedInputException, a bad gzip
   * CRC, a truncated stream) as a {@link FormatException}, like any other malformed index, so that
   * a corrupt index fails its suite rather than the run.
   */
  private static final class CorruptionAsFormatError extends java.io.FilterInputStream {
    private final Compression compression;

    CorruptionAsFormatError(InputStream in, Compression compression) {
      super(in);
      this.compression = compression;
    }

    private FormatException corrupt(Exception e) {
      return new FormatException("corrupt " + compression + " data: " + e.getMessage(), 0);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (FormatException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw corrupt(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (FormatException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw corrupt(e);
      }
    }
  }

  private static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) return false;
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) return false;
    }
    return true;
  }
}
