package org.repomirror.server;

import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The bytes by sendfile, without TLS: the head and the start of the body corked into one segment.
 * The region is opened lazily from the file's path, so a queued one holds no descriptor.
 */
final class RegionBody implements FileBody {
  private final Cork cork;

  RegionBody(Cork cork) {
    this.cork = cork;
  }

  @Override
  public Exchange.Outcome send(Exchange x, Answer answer) {
    HttpResponse response = answer.head(x);
    cork.set(x.ctx(), true);
    x.ctx().write(response);
    x.ctx()
        .write(
            new DefaultFileRegion(answer.file().path().toFile(), answer.offset(), answer.length()));
    return x.sent(
        response.status().code(),
        answer.length(),
        x.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
  }
}
