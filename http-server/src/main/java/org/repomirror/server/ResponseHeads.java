package org.repomirror.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.repomirror.http.HttpDates;
import org.repomirror.http.Validators;
import org.repomirror.store.ServedTree;

/**
 * The encoded head of the whole-file 200 response to each small cached file, up to and without the
 * Date header, so that a hot file's answer is three buffers copied into one writev: the constant
 * head, the Date and Connection lines, the body. Everything in the constant part follows from the
 * file (size, mtime) and from two strings the handler computes per request anyway (Content-Type and
 * Cache-Control), and an entry is used only while all of them are what they were. Thread-safe.
 */
final class ResponseHeads {
  private static final int MAX_ENTRIES = 10_000;

  private static final int CRLF = ('\r' << 8) | '\n';

  private record Entry(
      long size,
      FileTime modified,
      Object fileKey,
      String contentType,
      String cacheControl,
      ByteBuf head) {
    boolean matches(ServedTree.RegularFile file, String contentType, String cacheControl) {
      return size == file.size()
          && modified.equals(file.modified())
          && Objects.equals(fileKey, file.fileKey())
          && this.contentType.equals(contentType)
          && this.cacheControl.equals(cacheControl);
    }
  }

  private final Cache<Path, Entry> cache = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

  /**
   * The constant head of the 200 response for this file, as a buffer of its own that needs no
   * release.
   */
  ByteBuf head(ServedTree.RegularFile file, String contentType, String cacheControl) {
    Entry e = cache.getIfPresent(file.path());
    if (e == null || !e.matches(file, contentType, cacheControl)) {
      e =
          new Entry(
              file.size(),
              file.modified(),
              file.fileKey(),
              contentType,
              cacheControl,
              encode(file, contentType, cacheControl));
      if (file.fileKey() != null) {
        cache.put(file.path(), e);
      }
    }
    return e.head().duplicate();
  }

  /** The lines that change per request, and the blank line that ends the head. */
  static ByteBuf tail(ByteBufAllocator alloc, long nowMillis, String connection) {
    String date = HttpDates.now(nowMillis);
    ByteBuf tail = alloc.buffer(40 + (connection == null ? 0 : connection.length()));
    tail.writeCharSequence("date: ", StandardCharsets.US_ASCII);
    tail.writeCharSequence(date, StandardCharsets.US_ASCII);
    tail.writeShort(CRLF);
    if (connection != null) {
      tail.writeCharSequence("connection: ", StandardCharsets.US_ASCII);
      tail.writeCharSequence(connection, StandardCharsets.US_ASCII);
      tail.writeShort(CRLF);
    }
    tail.writeShort(CRLF);
    return tail;
  }

  /** The same header lines as the handler's encoded 200 response, Date and Connection aside. */
  private static ByteBuf encode(
      ServedTree.RegularFile file, String contentType, String cacheControl) {
    long mtime = file.mtimeSecond();
    String head =
        "HTTP/1.1 200 OK\r\n"
            + ("content-type: " + contentType + "\r\n")
            + ("content-length: " + file.size() + "\r\n")
            + "accept-ranges: bytes\r\n"
            + "server: repomirror\r\n"
            + ("last-modified: " + HttpDates.format(mtime) + "\r\n")
            + ("etag: " + Validators.etag(file.size(), mtime) + "\r\n")
            + ("cache-control: " + cacheControl + "\r\n");
    byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
    return Unpooled.unreleasableBuffer(
        Unpooled.directBuffer(bytes.length).writeBytes(bytes).asReadOnly());
  }
}
