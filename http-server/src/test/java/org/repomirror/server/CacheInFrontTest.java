package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.config.PinningConfig;
import org.repomirror.config.ServerConfig;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.Nginx;

/**
 * A real cache in front of the server, nginx's {@code proxy_cache} set up as OPERATIONS.md shows:
 * real apt works through it; pool and by-hash files are cached and served as immutable; a suite's
 * metadata is served {@code no-cache} while pinning is on, which nginx passes through to the origin
 * every time, and with pinning off is cached for its max-age, then revalidated with its validators
 * (a 304 from the origin).
 */
class CacheInFrontTest {
  @TempDir Path tmp;

  @Test
  void aptWorksThroughTheCacheWhichKeepsPoolAndByHashAndAsksForMetadata() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path root = tmp.resolve("root");
    SampleRepository.Suite suite = repository(root, key);
    RecordingAccessLog origin = new RecordingAccessLog();
    try (RepoServer server = RepoServer.start(TestServers.config(root), origin);
        Nginx cache = Nginx.cache(origin(server), tmp.resolve("nginx"), 1, "")) {
      apt(key, cache.uri(0), suite);
      String pool = "/" + suite.packages().getFirst().filename();
      String byHash = byHashTarget(origin);
      HttpClient http = HttpClient.newHttpClient();
      for (String target : List.of(pool, byHash)) {
        HttpResponse<byte[]> again = get(http, cache.uri(0), target, null);
        assertThat(again.statusCode()).as(target).isEqualTo(200);
        assertThat(again.headers().firstValue("X-Cache")).as(target).hasValue("HIT");
        assertThat(again.headers().firstValue("Cache-Control").orElse(""))
            .as(target)
            .contains("immutable");
        assertThat(awaitCount(origin, target, 1))
            .as("the origin asked for " + target + " once")
            .isOne();
      }
      String inRelease = "/dists/stable/InRelease";
      int asked = awaitCount(origin, inRelease, 1);
      HttpResponse<byte[]> metadata = get(http, cache.uri(0), inRelease, null);
      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(metadata.headers().firstValue("Cache-Control")).hasValue("public, no-cache");
      assertThat(awaitCount(origin, inRelease, asked + 1))
          .as("metadata goes to the origin")
          .isEqualTo(asked + 1);
      HttpResponse<byte[]> again = get(http, cache.uri(0), inRelease, null);
      assertThat(again.headers().firstValue("X-Cache"))
          .as("nginx does not keep a no-cache answer: it passes the small file through")
          .hasValue("MISS");
      assertThat(awaitCount(origin, inRelease, asked + 2)).isEqualTo(asked + 2);
    }
  }

  @Test
  void withoutPinningMetadataIsCachedForItsMaxAgeThenRevalidated() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path root = tmp.resolve("root");
    SampleRepository.Suite suite = repository(root, key);
    RecordingAccessLog origin = new RecordingAccessLog();
    ServerConfig oneSecond =
        TestServers.config(
            root, new PinningConfig(Duration.ZERO, null, null, null), Duration.ofSeconds(1));
    try (RepoServer server = RepoServer.start(oneSecond, origin);
        Nginx cache = Nginx.cache(origin(server), tmp.resolve("nginx"), 1, "")) {
      apt(key, cache.uri(0), suite);
      HttpClient http = HttpClient.newHttpClient();
      String release = "/dists/stable/Release";
      HttpResponse<byte[]> first = get(http, cache.uri(0), release, null);
      assertThat(first.headers().firstValue("Cache-Control")).hasValue("public, max-age=1");
      HttpResponse<byte[]> fresh = get(http, cache.uri(0), release, null);
      assertThat(fresh.headers().firstValue("X-Cache")).as("within max-age").hasValue("HIT");
      int asked = awaitCount(origin, release, 1);
      Thread.sleep(2100);
      HttpResponse<byte[]> stale = get(http, cache.uri(0), release, null);
      assertThat(stale.statusCode()).isEqualTo(200);
      assertThat(stale.body()).isEqualTo(first.body());
      assertThat(stale.headers().firstValue("X-Cache")).hasValue("REVALIDATED");
      assertThat(awaitCount(origin, release, asked + 1)).isEqualTo(asked + 1);
      assertThat(origin.entries().getLast().status())
          .as("the origin answered the cache's validators")
          .isEqualTo(304);
    }
  }

  private static SampleRepository.Suite repository(Path root, SigningKey key) throws Exception {
    return SampleRepository.modern(root, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", "2.10-3", "amd64", "main", 3000)
        .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 70_000)
        .write();
  }

  private void apt(SigningKey key, URI cache, SampleRepository.Suite suite) throws Exception {
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    AptGet apt =
        new AptGet(
            tmp.resolve("apt"),
            "amd64",
            List.of("deb [signed-by=" + keyring + "] " + cache + " stable main"),
            List.of());
    apt.updateAndDownloadAll(suite);
  }

  private static URI origin(RepoServer server) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
  }

  /** A by-hash index apt fetched through the cache. */
  private static String byHashTarget(RecordingAccessLog origin) {
    return origin.targets().stream()
        .filter(t -> t.contains("/by-hash/SHA256/"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("apt fetched no by-hash index: " + origin.targets()));
  }

  private static int count(RecordingAccessLog origin, String target) {
    return (int) origin.targets().stream().filter(target::equals).count();
  }

  /**
   * The origin's count of a target once it reaches {@code expected} (or after 2 s): the origin logs
   * a request when its response is sent, which the cache's client may see first.
   */
  private static int awaitCount(RecordingAccessLog origin, String target, int expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (count(origin, target) < expected && System.nanoTime() < deadline) Thread.sleep(10);
    Thread.sleep(50); // and no more than that arrives
    return count(origin, target);
  }

  private static HttpResponse<byte[]> get(
      HttpClient http, URI base, String target, String ifModifiedSince) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(target));
    if (ifModifiedSince != null) b.header("If-Modified-Since", ifModifiedSince);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
