package org.repomirror.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.infra.Blackhole;
import org.repomirror.http.RequestPath;
import org.repomirror.http.RequestRejected;

/**
 * Decoding an apt request as the server does: Netty's HTTP decoder, then the path rules. The modern
 * request is apt 2.x's, the legacy one apt 0.7's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HttpRequestDecodingBenchmark {
  @Param({"modern", "legacy"})
  String client;

  private byte[] request;
  private String target;
  private EmbeddedChannel channel;

  @Setup
  public void setUp() {
    if (client.equals("modern")) {
      target = "/debian/pool/main/libs/libstdc%2b%2b6_12.2.0-14%7edeb12u1_amd64.deb";
      request =
          ("GET "
                  + target
                  + " HTTP/1.1\r\nHost: deb.example.org\r\n"
                  + "User-Agent: Debian APT-HTTP/1.3 (2.6.1)\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
    } else {
      target =
          "/extras-devel/pool/fremantle/free/libq/libqt4-maemo5+gui_4.7.0~git-0maemo1+0m5_armel.deb";
      request =
          ("GET "
                  + target
                  + " HTTP/1.1\r\nHost: repository.maemo.org\r\nConnection: keep-alive\r\n"
                  + "Range: bytes=20733-\r\nIf-Range: Thu, 26 Nov 2026 10:00:00 GMT\r\n"
                  + "User-Agent: Debian APT-HTTP/1.3 (0.7.20.2+maemo)\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
    }
    channel = new EmbeddedChannel(new HttpRequestDecoder());
  }

  @Benchmark
  public void decodeHead(Blackhole bh) {
    ByteBuf in = Unpooled.wrappedBuffer(request);
    channel.writeInbound(in);
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      if (msg instanceof HttpRequest r) {
        bh.consume(r.uri());
      }
      ReferenceCountUtil.release(msg);
    }
  }

  @Benchmark
  public RequestPath parsePath() throws RequestRejected {
    return RequestPath.parse(target);
  }
}
