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
import org.repomirror.testing.TcpForwarder;
import software.amazon.awssdk.services.s3.S3Client;

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

  private SampleRepository.Suite suite(Path root, String version) throws Exception {
    return SampleRepository.modern(root, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", version, "amd64", "main", 3000)
        .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 70_000)
        .add("bigpackage", version, "amd64", "main", 3_000_000)
        .write();
  }

  private void sync(URI upstream, Path keyring, String bucket) {
    Cli.Run r = sync(upstream, keyring, bucket, store.endpoint());
    assertThat(r.code()).as(r.all()).isZero();
  }

  private Cli.Run sync(URI upstream, Path keyring, String bucket, URI endpoint) {
    return Cli.run(
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
        endpoint.toString());
  }

  private RepoServer node(String bucket, String name) throws Exception {
    return node(bucket, name, store.endpoint());
  }

  private RepoServer node(String bucket, String name, URI endpoint) throws Exception {
    ServerConfig c = TestServers.config(tmp.resolve(name));
    return RepoServer.start(
        TestServers.inStore(
            c,
            new StoreConfig(URI.create("s3://" + bucket + "/debian"), endpoint, null, null, null)),
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
      // Legacy apt sends a + as it is; modern apt encodes it.
      SampleRepository.SamplePackage lib =
          suite.packages().stream().filter(p -> p.name().equals("libstdc++6")).findFirst().get();
      assertThat(lib.filename()).contains("+");
      for (String path : List.of(lib.filename(), lib.filename().replace("+", "%2B"))) {
        assertThat(get(http, url(node) + path)).as(path).isEqualTo(lib.deb());
      }
      String lastModified = range.headers().firstValue("Last-Modified").orElseThrow();
      HttpResponse<byte[]> again =
          http.send(
              HttpRequest.newBuilder(URI.create(url(node) + big.filename()))
                  .header("If-Modified-Since", lastModified)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(again.statusCode()).isEqualTo(304);
      // A folder that is a link, as dists/stable -> bookworm: followed below it, as on disk.
      try (S3Client s3 = store.client()) {
        s3.putObject(
            b -> b.bucket(bucket).key("debian/downloads/sdk-2.0/notes.txt"),
            software.amazon.awssdk.core.sync.RequestBody.fromString("notes"));
        s3.putObject(
            b ->
                b.bucket(bucket)
                    .key("debian/downloads/latest")
                    .metadata(java.util.Map.of("symlink", "sdk-2.0")),
            software.amazon.awssdk.core.sync.RequestBody.empty());
      }
      assertThat(new String(get(http, url(node) + "downloads/latest/notes.txt")))
          .isEqualTo("notes");
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

      // Past the second the node trusts the pointer it read: it reads it again meanwhile.
      Thread.sleep(1200);
      get(http, url(node) + "dists/stable/main/binary-amd64/Packages.gz");
      Thread.sleep(1200); // the pointer read again, and the pinning's own second gone by
      assertThat(get(http, url(node) + "dists/stable/main/binary-amd64/Packages.gz"))
          .as("this client fetched the old Release: the old generation's index")
          .isEqualTo(packages);
      String metrics = metrics(http, node);
      assertThat(metrics)
          .as("answered from a generation older than the one the node serves now")
          .containsPattern("repomirror_pinned_older_generation_requests_total [1-9]");
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

  @Test
  void aNodeThatCannotReachTheStoreAnswers503AndRecoversByItself() throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    suite(upstreamRoot, "2.10-3");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    String bucket = store.newBucket();
    try (RepoServer upstream = TestServers.start(upstreamRoot, new RecordingAccessLog())) {
      sync(URI.create(url(upstream)), keyring, bucket);
    }
    HttpClient http = HttpClient.newHttpClient();
    try (TcpForwarder path = TcpForwarder.to(store.endpoint());
        RepoServer node = node(bucket, "node-a", path.uri())) {
      path.cut();
      HttpResponse<byte[]> down =
          http.send(
              HttpRequest.newBuilder(URI.create(url(node) + "dists/stable/InRelease")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(down.statusCode()).as("not a 404: the file may well be there").isEqualTo(503);
      String metrics = metrics(http, node);
      assertThat(metrics).containsPattern("repomirror_store_failures_total [1-9]");

      path.restore();
      assertThat(get(http, url(node) + "dists/stable/InRelease"))
          .as("the node recovered by itself")
          .isEqualTo(Files.readAllBytes(upstreamRoot.resolve("dists/stable/InRelease")));

      // What the suite lacks is remembered: a generation never changes once switched to.
      String lacking = url(node) + "dists/stable/main/i18n/Translation-de.bz2";
      assertThat(status(http, lacking)).isEqualTo(404);
      path.cut();
      assertThat(status(http, lacking)).as("known absent, without asking the store").isEqualTo(404);
      assertThat(status(http, url(node) + "dists/stable/main/i18n/Translation-fr.bz2"))
          .as("never asked: the store must say, and cannot")
          .isEqualTo(503);
    }
  }

  private static int status(HttpClient http, String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void aSyncCutOffFromTheStoreMidUploadPublishesNothingAndTheRerunConverges() throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    suite(upstreamRoot, "2.10-3");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    String bucket = store.newBucket();
    HttpClient http = HttpClient.newHttpClient();
    try (RepoServer upstream = TestServers.start(upstreamRoot, new RecordingAccessLog());
        TcpForwarder path = TcpForwarder.to(store.endpoint())) {
      URI from = URI.create(url(upstream));
      sync(from, keyring, bucket);
      byte[] before = inRelease(http, bucket, "before");

      suite(upstreamRoot, "2.10-4"); // a new release, its 3 MB package among it
      path.cutAfter(1_000_000);
      Cli.Run cut = sync(from, keyring, bucket, path.uri());
      assertThat(cut.code()).as(cut.all()).isEqualTo(4);
      assertThat(cut.err()).contains("aborted, the published tree is intact");
      assertThat(inRelease(http, bucket, "after-cut"))
          .as("a node serves the suite at the release before")
          .isEqualTo(before);
      try (S3Client s3 = store.client()) {
        assertThat(
                s3.getObjectAsBytes(b -> b.bucket(bucket).key("debian/dists/stable/InRelease"))
                    .asByteArray())
            .as("the plain key too")
            .isEqualTo(before);
      }

      path.restore();
      Cli.Run rerun = sync(from, keyring, bucket, path.uri());
      assertThat(rerun.code()).as(rerun.all()).isZero();
      assertThat(inRelease(http, bucket, "after-rerun"))
          .isEqualTo(Files.readAllBytes(upstreamRoot.resolve("dists/stable/InRelease")));
      try (S3Client s3 = store.client()) {
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads())
            .as("no upload left incomplete")
            .isEmpty();
      }
    }
  }

  /** The suite's InRelease as a node started now serves it (one with no client pinned yet). */
  private byte[] inRelease(HttpClient http, String bucket, String name) throws Exception {
    try (RepoServer node = node(bucket, "node-" + name)) {
      return get(http, url(node) + "dists/stable/InRelease");
    }
  }

  private static String gunzip(byte[] gz) throws Exception {
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static String metrics(HttpClient http, RepoServer node) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.adminAddress().getPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
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
