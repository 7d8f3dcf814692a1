package org.repomirror.server;

import static io.netty.handler.codec.http.HttpHeaderNames.CACHE_CONTROL;
import static io.netty.handler.codec.http.HttpHeaderNames.ETAG;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_MATCH;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_MODIFIED_SINCE;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_NONE_MATCH;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_RANGE;
import static io.netty.handler.codec.http.HttpHeaderNames.IF_UNMODIFIED_SINCE;

import io.netty.handler.codec.http.HttpHeaders;
import org.repomirror.http.HttpDates;
import org.repomirror.http.Validators;
import org.repomirror.store.ServedTree;

/**
 * A file's validators (its ETag and Last-Modified, from size and mtime as nginx makes them) and its
 * caching header, and what a request's conditional headers make of them. Immutable.
 *
 * @param mtime the file's mtime, in whole seconds
 */
record FileValidators(String etag, long mtime, String cacheControl) {
  static FileValidators of(ServedTree.RegularFile file, String cacheControl) {
    return new FileValidators(
        Validators.etag(file.size(), file.mtimeSecond()), file.mtimeSecond(), cacheControl);
  }

  /** What the request's If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since say. */
  Validators.Precondition evaluate(HttpHeaders request) {
    return Validators.evaluate(
        request.get(IF_MATCH),
        request.get(IF_UNMODIFIED_SINCE),
        request.get(IF_NONE_MATCH),
        request.get(IF_MODIFIED_SINCE),
        etag,
        mtime);
  }

  /** Whether a Range applies: no If-Range, or one that names this file as it is. */
  boolean rangeApplies(HttpHeaders request) {
    return Validators.rangeApplies(request.get(IF_RANGE), etag, mtime);
  }

  void set(HttpHeaders out) {
    out.set(io.netty.handler.codec.http.HttpHeaderNames.LAST_MODIFIED, HttpDates.format(mtime));
    out.set(ETAG, etag);
    out.set(CACHE_CONTROL, cacheControl);
  }
}
