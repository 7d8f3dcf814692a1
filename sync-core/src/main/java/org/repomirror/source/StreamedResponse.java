package org.repomirror.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.support.classic.SharedInputBuffer;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * One exchange's response, handed to the thread that asked for it: the head once it arrives, then
 * the body as a blocking stream. The connection receives no more of the body than that thread has
 * room for (its flow control), so a slow disk holds back only its own connection, and the I/O
 * threads never write a file. Thread-safe: the client's I/O thread fills it, one reader drains it.
 */
final class StreamedResponse implements AsyncResponseConsumer<Void> {
  /**
   * The first window, and the most allocated for a response up front: a body announced smaller gets
   * a buffer its size (most files are small, and zeroing 32 KiB each showed in a profile). It grows
   * with a large body, by what the reader drains.
   */
  private static final int WINDOW = 32 * 1024;

  private static final int SMALLEST = 1024;

  private final Consumer<HttpResponse> onHead;
  private final CompletableFuture<HttpResponse> head = new CompletableFuture<>();

  /**
   * The head, for the reader to wake to: once the whole body is in when it fits the first window,
   * else at once. A small file then costs its reader one wake-up rather than one for the head and
   * more for the body, which showed as a tenth of a small-file copy's CPU in switching threads.
   */
  private final CompletableFuture<HttpResponse> ready = new CompletableFuture<>();

  private volatile SharedInputBuffer body; // made once the head says how long the body is
  private volatile FutureCallback<Void> completion;
  private volatile Exception failure;
  private volatile boolean ended;

  /**
   * @param onHead told of the head on the client's I/O thread, before the reader, and so before the
   *     failure of any request behind it on the connection
   */
  StreamedResponse(Consumer<HttpResponse> onHead) {
    this.onHead = onHead;
  }

  @Override
  public void consumeResponse(
      HttpResponse response,
      EntityDetails entity,
      HttpContext context,
      FutureCallback<Void> resultCallback) {
    onHead.accept(response);
    long length = entity == null ? 0 : entity.getContentLength();
    body = new SharedInputBuffer(length < 0 ? WINDOW : (int) Math.clamp(length, SMALLEST, WINDOW));
    if (entity == null) {
      ended = true;
      body.markEndStream();
      resultCallback.completed(null);
    } else {
      completion = resultCallback;
    }
    head.complete(response);
    if (entity == null || length < 0 || length > WINDOW) ready.complete(response);
  }

  @Override
  public void informationResponse(HttpResponse response, HttpContext context) {}

  @Override
  public void updateCapacity(CapacityChannel channel) throws IOException {
    body.updateCapacity(channel);
  }

  @Override
  public void consume(ByteBuffer src) {
    body.fill(src);
  }

  @Override
  public void streamEnd(List<? extends Header> trailers) {
    ended = true;
    body.markEndStream();
    FutureCallback<Void> c = completion;
    if (c != null) c.completed(null);
    ready.complete(head.resultNow());
  }

  @Override
  public void failed(Exception cause) {
    if (failure == null) failure = cause;
    head.completeExceptionally(cause);
    SharedInputBuffer b = body;
    if (b != null) b.abort();
    // Answered, the reader takes the head and meets the failure in the body, as it would have.
    if (head.isCompletedExceptionally()) {
      ready.completeExceptionally(cause);
    } else {
      ready.complete(head.resultNow());
    }
  }

  @Override
  public void releaseResources() {}

  /**
   * What the exchange must be told when it ends: the client tells a response consumer of a failure
   * only once the response's input ended (httpcore 5.3), so a connection that breaks in the middle
   * of a body reaches the reader only through this.
   */
  FutureCallback<Void> outcome() {
    return new FutureCallback<>() {
      @Override
      public void completed(Void result) {}

      @Override
      public void failed(Exception cause) {
        StreamedResponse.this.failed(cause);
      }

      @Override
      public void cancelled() {
        StreamedResponse.this.failed(new InterruptedIOException("the request was cancelled"));
      }
    };
  }

  /** True once a head arrived: the exchange was answered, whatever became of its body. */
  boolean answered() {
    return head.isDone() && !head.isCompletedExceptionally();
  }

  /** Why the exchange failed, or null. */
  Exception failure() {
    return failure;
  }

  /** True once the whole body arrived. */
  boolean ended() {
    return ended;
  }

  /**
   * Waits for the head; for a body that fits the first window, until the whole body is in too.
   *
   * @throws IOException why the exchange got none: the connection closed or failed first
   */
  HttpResponse head() throws IOException {
    try {
      return ready.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a response");
    } catch (CancellationException e) {
      throw new InterruptedIOException("the request was cancelled");
    } catch (ExecutionException e) {
      throw asIo(e.getCause());
    }
  }

  /** The body, as it arrives; a failure of the connection is thrown as what it was. */
  InputStream body() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return body.read(b, off, len);
        } catch (InterruptedIOException e) {
          if (failure != null) throw asIo(failure);
          throw e;
        }
      }
    };
  }

  private static IOException asIo(Throwable cause) {
    return cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
  }
}
