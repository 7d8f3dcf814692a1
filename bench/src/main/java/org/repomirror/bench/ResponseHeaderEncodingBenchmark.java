package org.repomirror.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.repomirror.http.CachePolicy;
import org.repomirror.http.ContentTypes;
import org.repomirror.http.HttpDates;
import org.repomirror.http.Validators;

/**
 * Building and encoding the response head of a file, as the file handler does, with and without
 * Netty's header validation (the handler turns it off).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResponseHeaderEncodingBenchmark {
  @Param({"false", "true"})
  boolean validate;

  private HttpHeadersFactory headers;
  private EmbeddedChannel channel;

  @Setup
  public void setUp() {
    headers = DefaultHttpHeadersFactory.headersFactory().withValidation(validate);
    channel = new EmbeddedChannel(new HttpResponseEncoder());
  }

  @Benchmark
  public int encodeFileResponseHead() {
    long size = 57_344;
    long mtime = 1_764_151_200L;
    DefaultHttpResponse response =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, headers);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, ContentTypes.forName("hello_2.10-3_amd64.deb"))
        .set(HttpHeaderNames.CONTENT_LENGTH, size)
        .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
        .set(HttpHeaderNames.SERVER, "repomirror")
        .set(HttpHeaderNames.DATE, HttpDates.now(System.currentTimeMillis()))
        .set(HttpHeaderNames.LAST_MODIFIED, HttpDates.format(mtime))
        .set(HttpHeaderNames.ETAG, Validators.etag(size, mtime))
        .set(HttpHeaderNames.CACHE_CONTROL, CachePolicy.IMMUTABLE);
    channel.writeOutbound(response, LastHttpContent.EMPTY_LAST_CONTENT);
    int n = 0;
    for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      n += out.readableBytes();
      out.release();
    }
    return n;
  }
}
