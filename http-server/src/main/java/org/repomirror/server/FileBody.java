package org.repomirror.server;

import static io.netty.handler.codec.http.HttpHeaderNames.ACCEPT_RANGES;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_RANGE;
import static io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.repomirror.http.ByteRange;
import org.repomirror.store.ServedTree;

/**
 * One way a file's answer goes out, once its preconditions and range are settled: the head of a 200
 * or 206 and the bytes of the range. Each way is a class of its own.
 */
interface FileBody {
  /**
   * What is answered: the file, the part of it, and the headers that follow from the file.
   *
   * @param range the whole file or one satisfiable part of it
   */
  record Answer(
      ServedTree.RegularFile file, ByteRange range, String contentType, FileValidators validators) {
    long offset() {
      return range instanceof ByteRange.Partial p ? p.first() : 0;
    }

    long length() {
      return range instanceof ByteRange.Partial p ? p.length() : file.size();
    }

    HttpResponseStatus status() {
      return range instanceof ByteRange.Partial
          ? HttpResponseStatus.PARTIAL_CONTENT
          : HttpResponseStatus.OK;
    }

    /** The head of the answer, without its body: status, range, length, type, validators. */
    HttpResponse head(Exchange x) {
      HttpResponse response =
          new DefaultHttpResponse(HttpVersion.HTTP_1_1, status(), Exchange.HEADERS);
      fill(x, response);
      return response;
    }

    /** Every header of the answer, in the order the encoded head of a small file has them. */
    void fill(Exchange x, HttpResponse response) {
      HttpHeaders out = response.headers();
      if (range instanceof ByteRange.Partial p) {
        out.set(CONTENT_RANGE, "bytes " + p.first() + "-" + p.last() + "/" + file.size());
      }
      out.set(CONTENT_TYPE, contentType);
      out.set(CONTENT_LENGTH, length());
      out.set(ACCEPT_RANGES, HttpHeaderValues.BYTES);
      x.setCommon(response);
      validators.set(out);
    }
  }

  /** Writes the answer; the outcome carries the write that sends it. */
  Exchange.Outcome send(Exchange x, Answer answer);
}
