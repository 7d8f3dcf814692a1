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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
 * upstream flipping between two signed releases ({@link AptLoad}). Three kinds of client run side
 * by side on one mirror (modern apt with by-hash off and pipelining on, modern apt with by-hash,
 * the legacy Maemo suite), once straight to the server and once through nginx's {@code proxy_cache}
 * set up as docs/DESIGN.md says (the server trusts its X-Forwarded-For). Not one failed run of any
 * kind: no Hash Sum mismatch, no 404, no error.
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

  @ParameterizedTest
  @EnumSource(Front.class)
  void aptClientsNeverSeeAMismatchWhileReleasesFlip(Front front) throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    Path mirror = tmp.resolve("mirror");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    AptLoad.releaseBoth(upstreamRoot, 1, key);
    // Straight to the server all clients come from 127.0.0.1, one address: a window shorter than
    // the run lets them move on to newer generations (an update after it re-pins), which the test
    // requires.
    PinningConfig pinning =
        new PinningConfig(
            Duration.ofSeconds(5), 1000, Duration.ofHours(1), List.of(Subnet.parse("127.0.0.1")));
    List<Variant> variants = List.of(Variant.values());
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      List<String> sync =
          new ArrayList<>(
              List.of(
                  "sync",
                  "--root",
                  mirror.toString(),
                  "--upstream",
                  upstream.uri().toString(),
                  "--keyring",
                  keyring.toString()));
      sync.addAll(AptLoad.bothDists());
      assertThat(run(sync)).isZero();
      try (RepoServer server =
              RepoServer.start(TestServers.config(mirror, pinning), AccessLog.OFF);
          Nginx cache =
              front == Front.NGINX_CACHE
                  ? Nginx.cache(
                      origin(server), tmp.resolve("cache"), variants.size() * AptLoad.CLIENTS, "")
                  : null) {
        List<AptLoad.Group> groups = new ArrayList<>();
        for (Variant v : variants) {
          int first = groups.size() * AptLoad.CLIENTS; // the cache's port for this group's first
          groups.add(
              new AptLoad.Group(
                  v.name().toLowerCase(Locale.ROOT),
                  v,
                  AptLoad.CLIENTS,
                  c ->
                      v.sourcesLine(
                          keyring, cache != null ? cache.uri(first + c) : origin(server))));
        }
        List<AptLoad.Outcome> outcomes =
            AptLoad.run(
                tmp,
                groups,
                PUBLISHES,
                n -> {
                  AptLoad.releaseBoth(upstreamRoot, n, key);
                  assertThat(run(sync)).as("publish %d", n).isZero();
                });
        for (int i = 0; i < variants.size(); i++) {
          Variant v = variants.get(i);
          AptLoad.Outcome outcome = outcomes.get(i);
          assertThat(outcome.failures()).as("%s: failed runs of %d", v, outcome.runs()).isEmpty();
          assertThat(outcome.runs())
              .as("%s: client runs", v)
              .isGreaterThanOrEqualTo(4 * AptLoad.CLIENTS);
          assertThat(outcome.releasesSeen())
              .as("%s: different Releases the clients updated to: they followed the publishes", v)
              .isGreaterThanOrEqualTo(3);
          Reliability.record(
              "consistency-" + v.name().toLowerCase(Locale.ROOT) + front.suffix(),
              String.format(
                  "%d apt-get runs (update, then a download of every package) by %d clients%s,"
                      + " beside the other kinds of client, while %d publishes flipped the"
                      + " upstream between two releases: 0 failed; %d different Releases"
                      + " updated to",
                  outcome.runs(),
                  AptLoad.CLIENTS,
                  front == Front.NGINX_CACHE ? " through nginx proxy_cache" : "",
                  PUBLISHES,
                  outcome.releasesSeen()));
        }
        if (cache != null) {
          for (Variant v : List.of(Variant.LEGACY, Variant.BY_HASH)) {
            cacheKeepsThePoolAndAsksForTheMetadata(cache.uri(), mirror, v);
          }
        }
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

  private static int run(List<String> args) {
    StringWriter out = new StringWriter();
    return Main.run(
        args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(out, true));
  }
}
