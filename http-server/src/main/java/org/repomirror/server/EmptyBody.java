package org.repomirror.server;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/** The head alone: for HEAD, and for a file of no bytes. */
final class EmptyBody implements FileBody {
  @Override
  public Exchange.Outcome send(Exchange x, Answer answer) {
    HttpResponse response = answer.head(x);
    x.ctx().write(response);
    return x.sent(
        response.status().code(), 0, x.ctx().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
  }
}
