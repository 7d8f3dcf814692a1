package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.sample.SigningKey;
import org.repomirror.store.Generations;
import org.repomirror.testing.Nginx;
import org.repomirror.testing.ObjectStore;
import org.repomirror.testing.RealisticArchive;
import org.repomirror.testing.TreeSnapshot;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * sync into a real S3 object store (Ceph RGW on loopback) from the realistic archive served by
 * nginx: the bucket holds the upstream byte for byte with its mtimes, the sync node's root keeps
 * only the sync's state, and each suite's metadata sits in a generation behind its pointer.
 */
class ObjectStoreSyncTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static Path upstream;
  private static Path keyring;
  private static Nginx nginx;
  private static ObjectStore store;

  @BeforeAll
  static void archive() throws Exception {
    store = ObjectStore.shared();
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    upstream = Files.createDirectories(tmp.resolve("www/old-host"));
    RealisticArchive.write(upstream, key, 1, 200);
    nginx = Nginx.serve(upstream, tmp);
    // The SDK's default credentials: these system properties, else AWS_ACCESS_KEY_ID and
    // AWS_SECRET_ACCESS_KEY, else ~/.aws/credentials.
    System.setProperty("aws.accessKeyId", store.accessKey());
    System.setProperty("aws.secretAccessKey", store.secretKey());
  }

  @AfterAll
  static void stop() throws Exception {
    if (nginx != null) nginx.close();
  }

  private List<String> options(String bucket, Path root, String mode) {
    List<String> options =
        new ArrayList<>(
            List.of(
                "--upstream",
                nginx.uri().toString(),
                "--root",
                root.toString(),
                "--store",
                "s3://" + bucket + "/mirror",
                "--s3-endpoint",
                store.endpoint().toString(),
                "--mode",
                mode,
                "--keyring",
                keyring.toString(),
                "--hostname",
                "new-host"));
    for (String d : RealisticArchive.DISTS) options.addAll(List.of("--dist", d));
    return options;
  }

  @Test
  void aTreeSyncPutsTheUpstreamIntoTheBucketByteForByte() throws Exception {
    String bucket = store.newBucket();
    Path root = tmp.resolve("state-tree");
    List<String> options = options(bucket, root, "tree");

    JsonNode first = sync(options, "tree-1");
    Map<String, String> expected = upstreamMinusNamed(first);
    assertThat(store.snapshot(bucket, "mirror/", 1000)).isEqualTo(expected);
    assertThat(first.path("filesFetched").asLong()).isPositive();
    try (Stream<Path> left = Files.list(root)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("the root keeps only the sync's state")
          .containsOnly(".repomirror");
    }
    try (Stream<Path> left = Files.walk(root.resolve(".repomirror/staging"))) {
      assertThat(left.filter(Files::isRegularFile).toList()).as("staging").isEmpty();
    }

    java.time.Instant copied = indexCopyWritten(bucket);
    Thread.sleep(1100); // the store's times are to the second
    JsonNode second = sync(options, "tree-2");
    assertThat(second.path("filesFetched").asLong()).as("a second sync converged").isZero();
    assertThat(indexCopyWritten(bucket))
        .as("a run that changed nothing leaves the index's copy as it was")
        .isEqualTo(copied);
    assertThat(store.snapshot(bucket, "mirror/", 1000)).isEqualTo(expected);

    // The root knows where it publishes: verify, status and the final sync read the bucket.
    Cli.Run status = Cli.run("status", "--root", root.toString());
    assertThat(status.code()).as(status.all()).isZero();
    for (String dist : RealisticArchive.DISTS) assertThat(status.out()).contains(dist);
    assertThat(status.out())
        .as("each suite's Release read from the bucket")
        .doesNotContain("(unreadable)");
    Cli.Run verified =
        Cli.run("verify", "--root", root.toString(), "--full", "--keyring", keyring.toString());
    assertThat(verified.code()).as(verified.all()).isZero();
    List<String> last = new ArrayList<>(List.of("sync", "--final"));
    last.addAll(options);
    Cli.Run finalSync = Cli.run(last);
    assertThat(finalSync.code()).as(finalSync.all()).isZero();
    assertThat(finalSync.out()).contains("verdict: identical").doesNotContain("difference:");

    try (S3Client s3 = store.client()) {
      for (String dist : RealisticArchive.DISTS) {
        String pointer = "mirror/.repomirror/generations/" + Generations.key(dist) + "/current";
        String id = s3.getObjectAsBytes(b -> b.bucket(bucket).key(pointer)).asUtf8String();
        String release =
            Files.exists(upstream.resolve(dist + "/InRelease")) ? "InRelease" : "Release";
        byte[] inGeneration =
            s3.getObjectAsBytes(
                    b ->
                        b.bucket(bucket)
                            .key(
                                "mirror/.repomirror/generations/"
                                    + Generations.key(dist)
                                    + "/"
                                    + id
                                    + "/"
                                    + release))
                .asByteArray();
        assertThat(inGeneration)
            .as("%s's generation %s holds its %s", dist, id, release)
            .isEqualTo(Files.readAllBytes(upstream.resolve(dist + "/" + release)));
      }
      verifyFindsDamageInTheBucket(s3, bucket, root);
    }
  }

  /** When the copy of the index in the bucket was last written. */
  private static java.time.Instant indexCopyWritten(String bucket) {
    try (S3Client s3 = store.client()) {
      return s3.headObject(b -> b.bucket(bucket).key("mirror/.repomirror/index.gz")).lastModified();
    }
  }

  /**
   * An object replaced by other bytes of its size and metadata, one deleted and one put there by
   * hand: verify names each, reading the bucket from the root alone.
   */
  private static void verifyFindsDamageInTheBucket(S3Client s3, String bucket, Path root)
      throws Exception {
    List<String> debs = new ArrayList<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("mirror/"))
        .contents()
        .forEach(
            o -> {
              if (o.key().endsWith(".deb") && o.size() > 0) debs.add(o.key());
            });
    assertThat(debs).hasSizeGreaterThanOrEqualTo(2);
    String damaged = debs.get(0);
    String deleted = debs.get(1);
    var head = s3.headObject(b -> b.bucket(bucket).key(damaged));
    byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(damaged)).asByteArray();
    bytes[bytes.length / 2] ^= 1;
    s3.putObject(
        b -> b.bucket(bucket).key(damaged).metadata(head.metadata()),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
    s3.deleteObject(b -> b.bucket(bucket).key(deleted));
    s3.putObject(
        b -> b.bucket(bucket).key("mirror/pool/stray.deb"),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[] {1, 2, 3}));

    Cli.Run fast = Cli.run("verify", "--root", root.toString());
    assertThat(fast.code()).as(fast.all()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(fast.out())
        .contains(deleted.substring("mirror/".length()))
        .contains("pool/stray.deb")
        .as("same size and mtime: only --full reads the bytes")
        .doesNotContain(damaged.substring("mirror/".length()));
    Cli.Run full = Cli.run("verify", "--root", root.toString(), "--full");
    assertThat(full.code()).as(full.all()).isEqualTo(ExitCodes.PROBLEMS);
    assertThat(full.out()).contains(damaged.substring("mirror/".length()));
  }

  /** Moving a local mirror into a bucket, as docs/OPERATIONS.md says: a sync from it. */
  @Test
  void aTreeOnDiskMovesIntoTheBucketWithItsLinks() throws Exception {
    String bucket = store.newBucket();
    List<String> options = options(bucket, tmp.resolve("state-move"), "tree");
    options.set(options.indexOf(nginx.uri().toString()), upstream.toUri().toString());

    JsonNode first = sync(options, "move-1");
    Map<String, String> expected = new TreeMap<>(TreeSnapshot.of(upstream, 1000));
    expected.keySet().removeAll(named(first));
    Map<String, String> published = store.snapshot(bucket, "mirror/", 1000);
    assertThat(published).isEqualTo(expected);
    assertThat(published.values()).as("links kept as links").anyMatch(v -> v.startsWith("-> "));
    assertThat(sync(options, "move-2").path("filesFetched").asLong())
        .as("a second run finds nothing to do")
        .isZero();
  }

  @Test
  void anAptSyncPutsWhatTheIndexesNameIntoTheBucket() throws Exception {
    String bucket = store.newBucket();
    JsonNode report = sync(options(bucket, tmp.resolve("state-apt"), "apt"), "apt");
    assertThat(report.path("failures")).isEmpty();
    Map<String, String> published = store.snapshot(bucket, "mirror/", 1000);
    Map<String, String> upstreamView = TreeSnapshot.served(upstream, true);
    assertThat(published).as("a pool file two suites share").containsKey(RealisticArchive.SHARED);
    assertThat(published.keySet().stream().filter(k -> k.endsWith(".deb")).count())
        .as("every package the suites name, from the pools they share")
        .isEqualTo(
            upstreamView.keySet().stream()
                .filter(k -> k.endsWith(".deb") && k.contains("/pool/"))
                .count());
    for (Map.Entry<String, String> e : published.entrySet()) {
      if (e.getKey().contains("/by-hash/")) continue; // made by the mirror for a legacy suite
      assertThat(e.getValue()).as(e.getKey()).isEqualTo(upstreamView.get(e.getKey()));
    }

    // The sync node loses its disk: a new root, with nothing but the bucket and the config.
    Path fresh = tmp.resolve("state-apt-new-node");
    JsonNode again = sync(options(bucket, fresh, "apt"), "apt-new-node");
    assertThat(again.path("filesFetched").asLong())
        .as("the index kept in the bucket loaded, validators and all: nothing fetched again")
        .isZero();
    assertThat(again.path("failures")).isEmpty();
    assertThat(store.snapshot(bucket, "mirror/", 1000)).isEqualTo(published);
    Cli.Run verified =
        Cli.run("verify", "--root", fresh.toString(), "--keyring", keyring.toString());
    assertThat(verified.code()).as(verified.all()).isZero();

    // A copy of the index that cannot be read costs a new node time, not its sync.
    try (S3Client s3 = store.client()) {
      s3.putObject(
          b -> b.bucket(bucket).key("mirror/.repomirror/index.gz"),
          software.amazon.awssdk.core.sync.RequestBody.fromString("not a copy of an index"));
      JsonNode without = sync(options(bucket, tmp.resolve("state-apt-third-node"), "apt"), "apt-3");
      assertThat(without.path("failures")).isEmpty();
      assertThat(store.snapshot(bucket, "mirror/", 1000)).isEqualTo(published);
      byte[] copy =
          s3.getObjectAsBytes(b -> b.bucket(bucket).key("mirror/.repomirror/index.gz"))
              .asByteArray();
      assertThat(copy[0] & 0xff).as("a readable copy again: gzip").isEqualTo(0x1f);
    }
  }

  private static JsonNode sync(List<String> options, String name) throws Exception {
    Path report = tmp.resolve(name + ".json");
    List<String> args = new ArrayList<>(List.of("sync"));
    args.addAll(options);
    args.addAll(List.of("--report", report.toString()));
    Cli.Run r = Cli.run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.all()).isZero();
    return JSON.readTree(report.toFile());
  }

  /** What nginx serves of the upstream, but for what the report names as not mirrored. */
  private static Map<String, String> upstreamMinusNamed(JsonNode report) throws Exception {
    Map<String, String> expected = new TreeMap<>(TreeSnapshot.served(upstream, true));
    expected.keySet().removeAll(named(report));
    return expected;
  }

  /** What a report names as not mirrored, failed or listed but absent. */
  private static Set<String> named(JsonNode report) {
    Set<String> named = new TreeSet<>();
    report.path("tree").path("notMirrored").forEach(n -> named.add(n.path("path").asText()));
    report.path("failures").forEach(f -> named.add(f.path("path").asText()));
    report.path("suites").forEach(s -> s.path("listedAbsent").forEach(p -> named.add(p.asText())));
    return named;
  }
}
