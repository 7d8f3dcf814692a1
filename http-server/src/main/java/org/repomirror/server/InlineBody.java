package org.repomirror.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.repomirror.http.ByteRange;
import org.repomirror.store.ServedTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small file's bytes from memory, in the same write as the head: one syscall, one TCP segment.
 * The hot case, a whole file (Release, InRelease, small indexes), goes out as a head encoded once
 * per file ({@link ResponseHeads}), the Date and Connection lines, and the body, past Netty's
 * encoder. On an HTTP/2 stream, which has no such encoder, every answer is a full response object.
 */
final class InlineBody implements FileBody {
  private static final Logger log = LoggerFactory.getLogger(InlineBody.class);

  private final SmallFileCache smallFiles;
  private final ResponseHeads heads;
  private final ChannelHandlerContext encoder;

  /**
   * @param encoder the response encoder's context: what is written from it goes to the socket as it
   *     is; null on an HTTP/2 stream
   */
  InlineBody(SmallFileCache smallFiles, ResponseHeads heads, ChannelHandlerContext encoder) {
    this.smallFiles = smallFiles;
    this.heads = heads;
    this.encoder = encoder;
  }

  /** Whether a file's bytes are served from memory. */
  boolean takes(ServedTree.RegularFile file) {
    return smallFiles.accepts(file.size());
  }

  @Override
  public Exchange.Outcome send(Exchange x, Answer answer) {
    ByteBuf bytes;
    try {
      ByteBuffer whole = smallFiles.read(answer.file());
      bytes = Unpooled.wrappedBuffer(whole.slice((int) answer.offset(), (int) answer.length()));
    } catch (IOException e) {
      log.debug("cannot read {}: {}", answer.file().path(), e.toString());
      return x.error(HttpResponseStatus.NOT_FOUND);
    }
    if (encoder != null && answer.range() instanceof ByteRange.Full) {
      // The last write's promise tells of the whole answer; the others need none of their own.
      encoder.write(
          heads.head(answer.file(), answer.contentType(), answer.validators().cacheControl()),
          encoder.voidPromise());
      encoder.write(
          ResponseHeads.tail(x.ctx().alloc(), x.startMillis(), x.connection()),
          encoder.voidPromise());
      ChannelFuture sent = encoder.writeAndFlush(bytes);
      return x.sent(200, answer.length(), sent);
    }
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, answer.status(), bytes, Exchange.HEADERS, Exchange.TRAILERS);
    answer.fill(x, response);
    return x.sent(response.status().code(), answer.length(), x.ctx().writeAndFlush(response));
  }
}
