package org.repomirror.server;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The bytes by sendfile, without TLS: the head and the start of the body corked into one segment,
 * the body from a descriptor held open between requests ({@link OpenFiles}).
 */
final class RegionBody implements FileBody {
  private final Cork cork;
  private final OpenFiles openFiles;

  RegionBody(Cork cork, OpenFiles openFiles) {
    this.cork = cork;
    this.openFiles = openFiles;
  }

  @Override
  public Exchange.Outcome send(Exchange x, Answer answer) {
    HttpResponse response = answer.head(x);
    cork.set(x.ctx(), true);
    x.ctx().write(response);
    x.ctx().write(openFiles.region(answer.file(), answer.offset(), answer.length()));
    return x.sent(
        response.status().code(),
        answer.length(),
        x.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
  }
}
