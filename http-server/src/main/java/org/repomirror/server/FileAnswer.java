package org.repomirror.server;

import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_RANGE;
import static io.netty.handler.codec.http.HttpHeaderNames.RANGE;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.repomirror.http.ByteRange;
import org.repomirror.http.CachePolicy;
import org.repomirror.http.ContentTypes;
import org.repomirror.http.RequestPath;
import org.repomirror.http.Validators;
import org.repomirror.store.ServedTree;

/**
 * The answer to a request for a file: its preconditions (412, 304), its range (416, 206 or the
 * whole 200), then its body the way that fits (from memory, by sendfile, in chunks under TLS and
 * HTTP/2, or none). One per connection or stream, used on its event loop only.
 */
final class FileAnswer {
  private final CachePolicy cachePolicy;
  private final InlineBody inline;
  private final FileBody streamed;
  private final FileBody empty = new EmptyBody();

  /**
   * @param inline how a small file goes out from memory; null to stream every file
   * @param streamed how a body not served from memory goes out: sendfile, or chunks
   */
  FileAnswer(CachePolicy cachePolicy, InlineBody inline, FileBody streamed) {
    this.cachePolicy = cachePolicy;
    this.inline = inline;
    this.streamed = streamed;
  }

  Exchange.Outcome serve(Exchange x, RequestPath path, ServedTree.RegularFile file) {
    HttpHeaders h = x.request().headers();
    FileValidators v = FileValidators.of(file, cachePolicy.cacheControl(path.segments(), false));
    Validators.Precondition precondition = v.evaluate(h);
    if (precondition == Validators.Precondition.FAILED) {
      return x.error(HttpResponseStatus.PRECONDITION_FAILED);
    }
    if (precondition == Validators.Precondition.NOT_MODIFIED) {
      // No Content-Length: a 304 has no body, and a cache must not take 0 as the file's length.
      return x.send(bodiless(x, HttpResponseStatus.NOT_MODIFIED, v), true);
    }
    ByteRange range =
        !x.head() && v.rangeApplies(h)
            ? ByteRange.parse(h.get(RANGE), file.size())
            : ByteRange.FULL;
    if (range instanceof ByteRange.Unsatisfiable) {
      HttpResponse response = bodiless(x, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, v);
      response.headers().set(CONTENT_RANGE, "bytes */" + file.size());
      response.headers().setInt(CONTENT_LENGTH, 0);
      return x.send(response, true);
    }
    FileBody.Answer answer =
        new FileBody.Answer(file, range, ContentTypes.forName(path.segments().getLast()), v);
    return body(x, answer).send(x, answer);
  }

  /** The way this answer's body goes out. */
  private FileBody body(Exchange x, FileBody.Answer answer) {
    if (x.head() || answer.length() == 0) return empty;
    if (inline != null && inline.takes(answer.file())) return inline;
    return streamed;
  }

  /** A 304 or 416: validators and the common headers, no body. */
  private static HttpResponse bodiless(Exchange x, HttpResponseStatus status, FileValidators v) {
    HttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.EMPTY_BUFFER,
            Exchange.HEADERS,
            Exchange.TRAILERS);
    x.setCommon(response);
    v.set(response.headers());
    return response;
  }
}
