package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.repomirror.cli.Main;
import org.repomirror.config.PinningConfig;
import org.repomirror.config.Subnet;
import org.repomirror.sample.SigningKey;
import org.repomirror.server.AptLoad.Variant;
import org.repomirror.testing.Nginx;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;

/**
 * Invariant 8 as clients live it: real apt-get clients loop on {@code update} and a download of
 * every package against the live server, while sync publishes {@value #PUBLISHES} times with the
 * upstream flipping between two signed releases ({@link AptLoad}). Three kinds of client (modern
 * apt with by-hash off and pipelining on, modern apt with by-hash, the legacy Maemo suite), each
 * straight to the server and through nginx's {@code proxy_cache} set up as docs/DESIGN.md says (the
 * server trusts its X-Forwarded-For). Not one failed run: no Hash Sum mismatch, no 404, no error.
 */
class ConsistencyUnderLoadTest {
  private static final int PUBLISHES = 20;

  /** How the clients reach the server. */
  enum Front {
    DIRECT,
    NGINX_CACHE;

    String suffix() {
      return this == DIRECT ? "" : "-nginx-cache";
    }
  }

  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    AptGet.requireAptGet();
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  static Stream<Arguments> setups() {
    return Stream.of(Front.values())
        .flatMap(f -> Stream.of(Variant.values()).map(v -> Arguments.of(v, f)));
  }

  @ParameterizedTest
  @MethodSource("setups")
  void aptClientsNeverSeeAMismatchWhileReleasesFlip(Variant v, Front front) throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    Path mirror = tmp.resolve("mirror");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    AptLoad.release(upstreamRoot, v, 1, key);
    // Straight to the server all clients come from 127.0.0.1, one address: a window shorter than
    // the run lets them move on to newer generations (an update after it re-pins), which the test
    // requires.
    PinningConfig pinning =
        new PinningConfig(
            Duration.ofSeconds(5), 1000, Duration.ofHours(1), List.of(Subnet.parse("127.0.0.1")));
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      String[] sync = {
        "sync",
        "--root",
        mirror.toString(),
        "--upstream",
        upstream.uri().toString(),
        "--dist",
        v.dist(),
        "--keyring",
        keyring.toString()
      };
      assertThat(run(sync)).isZero();
      try (RepoServer server =
              RepoServer.start(TestServers.config(mirror, pinning), AccessLog.OFF);
          Nginx cache =
              front == Front.NGINX_CACHE
                  ? Nginx.cache(origin(server), tmp.resolve("cache"), AptLoad.CLIENTS, "")
                  : null) {
        AptLoad.Outcome outcome =
            AptLoad.run(
                tmp,
                v,
                c -> v.sourcesLine(keyring, cache != null ? cache.uri(c) : origin(server)),
                PUBLISHES,
                n -> {
                  AptLoad.release(upstreamRoot, v, n, key);
                  assertThat(run(sync)).as("publish %d", n).isZero();
                });
        assertThat(outcome.failures()).as("failed runs of %d", outcome.runs()).isEmpty();
        assertThat(outcome.runs()).as("client runs").isGreaterThanOrEqualTo(4 * AptLoad.CLIENTS);
        assertThat(outcome.releasesSeen())
            .as("different Releases the clients updated to: they followed the publishes")
            .isGreaterThanOrEqualTo(3);
        if (cache != null) cacheKeepsThePoolAndAsksForTheMetadata(cache.uri(), mirror, v);
        Reliability.record(
            "consistency-" + v.name().toLowerCase(Locale.ROOT) + front.suffix(),
            String.format(
                "%d apt-get runs (update, then a download of every package) by %d clients%s while"
                    + " %d publishes flipped the upstream between two releases: 0 failed; %d"
                    + " different Releases updated to",
                outcome.runs(),
                AptLoad.CLIENTS,
                front == Front.NGINX_CACHE ? " through nginx proxy_cache" : "",
                PUBLISHES,
                outcome.releasesSeen()));
      }
    }
  }

  /**
   * The cache was in the path, kept a pool file, and passed the suite's Release through. Straight
   * to the server, both clients come from 127.0.0.1, as from behind one NAT; through the cache,
   * each is a client address of its own.
   */
  private static void cacheKeepsThePoolAndAsksForTheMetadata(URI cache, Path mirror, Variant v)
      throws Exception {
    String deb;
    try (Stream<Path> files = Files.walk(mirror)) {
      deb =
          mirror
              .relativize(
                  files.filter(p -> p.toString().endsWith(".deb")).findFirst().orElseThrow())
              .toString();
    }
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 2; i++) get(http, cache.resolve(deb));
    assertThat(get(http, cache.resolve(deb)).headers().firstValue("X-Cache"))
        .as("a pool file is served from the cache")
        .hasValue("HIT");
    HttpResponse<byte[]> release = get(http, cache.resolve(v.dist() + "/Release"));
    assertThat(release.headers().firstValue("Cache-Control")).hasValue("public, no-cache");
    assertThat(release.headers().firstValue("X-Cache").orElseThrow())
        .as("the Release is asked of the origin every time")
        .isNotEqualTo("HIT");
  }

  private static HttpResponse<byte[]> get(HttpClient http, URI uri) throws Exception {
    HttpResponse<byte[]> r =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
    return r;
  }

  private static URI origin(RepoServer server) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
  }

  private static int run(String... args) {
    StringWriter out = new StringWriter();
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
  }
}
