package org.repomirror.server;

import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.stream.ChunkedFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bytes in chunks read from the file, under TLS, which a file region cannot pass. */
final class ChunkedBody implements FileBody {
  private static final Logger log = LoggerFactory.getLogger(ChunkedBody.class);
  private static final int CHUNK_SIZE = 16 * 1024;

  @Override
  public Exchange.Outcome send(Exchange x, Answer answer) {
    HttpResponse response = answer.head(x);
    x.ctx().write(response);
    ChannelFuture sent;
    try {
      RandomAccessFile raf = new RandomAccessFile(answer.file().path().toFile(), "r");
      sent =
          x.ctx()
              .writeAndFlush(
                  new HttpChunkedInput(
                      new ChunkedFile(raf, answer.offset(), answer.length(), CHUNK_SIZE)));
    } catch (IOException e) {
      // The head is out already; closing is the only honest signal left.
      log.warn("cannot open {}: {}", answer.file().path(), e.toString());
      sent = x.ctx().newFailedFuture(e);
    }
    return x.sent(response.status().code(), answer.length(), sent);
  }
}
