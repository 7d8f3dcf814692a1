package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli;
import org.repomirror.config.ServerConfig;
import org.repomirror.config.StoreConfig;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ObjectStore;

/**
 * serve from an S3-compatible object store (a real Ceph RGW): the real apt-get against nodes that
 * keep nothing but a cache of the bucket's objects, a sync publishing meanwhile.
 */
class BucketServingTest {
  private static SigningKey key;
  private static ObjectStore store;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    AptGet.requireAptGet();
    key = SigningKey.generateRsa("repomirror test archive <test@example.org>");
    store = ObjectStore.shared();
    System.setProperty("aws.accessKeyId", store.accessKey());
    System.setProperty("aws.secretAccessKey", store.secretKey());
  }

  private SampleRepository.Suite suite(Path root, String helloVersion) throws Exception {
    return SampleRepository.modern(root, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", helloVersion, "amd64", "main", 3000)
        .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 70_000)
        .add("bigpackage", "1.0", "amd64", "main", 3_000_000)
        .write();
  }

  private void sync(URI upstream, Path keyring, String bucket) {
    Cli.Run r =
        Cli.run(
            "sync",
            "--upstream",
            upstream.toString(),
            "--dist",
            "dists/stable",
            "--keyring",
            keyring.toString(),
            "--root",
            tmp.resolve("sync-state").toString(),
            "--store",
            "s3://" + bucket + "/debian",
            "--s3-endpoint",
            store.endpoint().toString());
    assertThat(r.code()).as(r.all()).isZero();
  }

  private RepoServer node(String bucket, String name) throws Exception {
    ServerConfig c = TestServers.config(tmp.resolve(name));
    return RepoServer.start(
        new ServerConfig(
            tmp.resolve(name),
            c.listen(),
            c.adminListen(),
            c.ioThreads(),
            c.maxConnections(),
            c.headerTimeout(),
            c.idleTimeout(),
            c.shutdownTimeout(),
            c.metadataMaxAge(),
            c.smallFileCache(),
            c.accessLog(),
            c.tls(),
            c.pinning(),
            new StoreConfig(
                URI.create("s3://" + bucket + "/debian"), store.endpoint(), null, null, null),
            null),
        new RecordingAccessLog());
  }

  private static String url(RepoServer server) {
    return "http://127.0.0.1:" + server.address().getPort() + "/";
  }

  @Test
  void aptUpdatesAndDownloadsEveryPackageFromANodeThatKeepsOnlyACache() throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    SampleRepository.Suite suite = suite(upstreamRoot, "2.10-3");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    String bucket = store.newBucket();
    try (RepoServer upstream = TestServers.start(upstreamRoot, new RecordingAccessLog())) {
      sync(URI.create(url(upstream)), keyring, bucket);
    }
    try (RepoServer node = node(bucket, "node-a")) {
      AptGet apt =
          new AptGet(
              tmp.resolve("apt"),
              "amd64",
              List.of("deb [signed-by=" + keyring + "] " + url(node) + " stable main"),
              List.of());
      AptGet.Result update = apt.run("update");
      assertThat(update.exitCode()).as(update.output()).isZero();
      assertThat(update.output())
          .doesNotContain("Hash Sum mismatch")
          .doesNotContainPattern("(?m)^[WE]:");
      List<String> download = new ArrayList<>(List.of("download"));
      suite.packages().forEach(p -> download.add(p.name()));
      AptGet.Result got = apt.run(download.toArray(String[]::new));
      assertThat(got.exitCode()).as(got.output()).isZero();
      Set<String> downloaded = new HashSet<>();
      try (Stream<Path> debs = Files.list(apt.downloads())) {
        for (Path deb : debs.filter(p -> p.toString().endsWith(".deb")).toList()) {
          downloaded.add(SampleRepository.hex("SHA-256", Files.readAllBytes(deb)));
        }
      }
      Set<String> expected = new HashSet<>();
      suite.packages().forEach(p -> expected.add(SampleRepository.hex("SHA-256", p.deb())));
      assertThat(downloaded).as("every package, byte for byte").isEqualTo(expected);

      // Ranges and validators as from disk: the object is sent from the node's cache.
      SampleRepository.SamplePackage big =
          suite.packages().stream().filter(p -> p.name().equals("bigpackage")).findFirst().get();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<byte[]> range =
          http.send(
              HttpRequest.newBuilder(URI.create(url(node) + big.filename()))
                  .header("Range", "bytes=1000-1999")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo(Arrays.copyOfRange(big.deb(), 1000, 2000));
      String lastModified = range.headers().firstValue("Last-Modified").orElseThrow();
      HttpResponse<byte[]> again =
          http.send(
              HttpRequest.newBuilder(URI.create(url(node) + big.filename()))
                  .header("If-Modified-Since", lastModified)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(again.statusCode()).isEqualTo(304);
      HttpResponse<byte[]> hidden =
          http.send(
              HttpRequest.newBuilder(URI.create(url(node) + ".repomirror/generations/")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(hidden.statusCode()).as("the mirror's own objects").isEqualTo(404);
    }
  }

  @Test
  void aClientPinnedToAGenerationKeepsItAcrossAPublishAndANewClientGetsTheNew() throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    suite(upstreamRoot, "2.10-3");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    String bucket = store.newBucket();
    HttpClient http = HttpClient.newHttpClient();
    try (RepoServer upstream = TestServers.start(upstreamRoot, new RecordingAccessLog());
        RepoServer node = node(bucket, "node-a")) {
      sync(URI.create(url(upstream)), keyring, bucket);
      String release = new String(get(http, url(node) + "dists/stable/InRelease"));
      byte[] packages = get(http, url(node) + "dists/stable/main/binary-amd64/Packages.gz");
      assertThat(gunzip(packages)).contains("Version: 2.10-3");

      suite(upstreamRoot, "2.10-4"); // the upstream publishes a new hello
      sync(URI.create(url(upstream)), keyring, bucket);

      assertThat(get(http, url(node) + "dists/stable/main/binary-amd64/Packages.gz"))
          .as("this client fetched the old Release: the old generation's index")
          .isEqualTo(packages);
      try (RepoServer fresh = node(bucket, "node-b")) {
        assertThat(new String(get(http, url(fresh) + "dists/stable/InRelease")))
            .as("a node that never saw the old generation serves the new one")
            .isNotEqualTo(release)
            .contains("SHA256:");
        assertThat(gunzip(get(http, url(fresh) + "dists/stable/main/binary-amd64/Packages.gz")))
            .contains("Version: 2.10-4");
      }
    }
  }

  private static String gunzip(byte[] gz) throws Exception {
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static byte[] get(HttpClient http, String url) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }
}
