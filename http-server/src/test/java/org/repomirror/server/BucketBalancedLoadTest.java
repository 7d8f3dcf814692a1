package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Main;
import org.repomirror.config.PinningConfig;
import org.repomirror.config.ServerConfig;
import org.repomirror.config.StoreConfig;
import org.repomirror.config.Subnet;
import org.repomirror.sample.SigningKey;
import org.repomirror.server.AptLoad.Variant;
import org.repomirror.testing.Nginx;
import org.repomirror.testing.ObjectStore;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Invariant 8 across machines: real apt-get clients of every kind (legacy, modern with by-hash off
 * and pipelining on, modern with by-hash) loop on {@code update} and a download of every package
 * through a real nginx balancing them by address over two stateless serve nodes on one bucket (a
 * real Ceph RGW), and by-hash apt reads the bucket straight from RGW's own endpoint, while sync
 * publishes {@value #PUBLISHES} times into the bucket with the upstream flipping between two signed
 * releases. Not one failed run.
 */
class BucketBalancedLoadTest {
  private static final int PUBLISHES = 20;

  private static SigningKey key;
  private static ObjectStore store;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    AptGet.requireAptGet();
    key = SigningKey.generateRsa("archive <a@example.org>");
    store = ObjectStore.shared();
    System.setProperty("aws.accessKeyId", store.accessKey());
    System.setProperty("aws.secretAccessKey", store.secretKey());
  }

  private RepoServer node(String bucket, String name, RecordingAccessLog log) throws Exception {
    // The balancer is the nodes' trusted proxy: each pins the address it names.
    ServerConfig c =
        TestServers.config(
            tmp.resolve(name),
            new PinningConfig(
                Duration.ofSeconds(5),
                1000,
                Duration.ofHours(1),
                List.of(Subnet.parse("127.0.0.1"))));
    return RepoServer.start(
        TestServers.inStore(
            c,
            new StoreConfig(
                URI.create("s3://" + bucket + "/maemo"), store.endpoint(), null, null, null)),
        log);
  }

  @Test
  void aptThroughABalancerOverTwoNodesAndStraightFromTheStoreNeverSeesAMismatch() throws Exception {
    Path upstreamRoot = tmp.resolve("upstream");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    AptLoad.releaseBoth(upstreamRoot, 1, key);
    String bucket = store.newBucket();
    readableByAnyone(bucket);
    RecordingAccessLog logA = new RecordingAccessLog();
    RecordingAccessLog logB = new RecordingAccessLog();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      List<String> sync =
          new ArrayList<>(
              List.of(
                  "sync",
                  "--root",
                  tmp.resolve("sync-state").toString(),
                  "--store",
                  "s3://" + bucket + "/maemo",
                  "--s3-endpoint",
                  store.endpoint().toString(),
                  "--upstream",
                  upstream.uri().toString(),
                  "--keyring",
                  keyring.toString()));
      sync.addAll(AptLoad.bothDists());
      assertThat(run(sync)).isZero();
      List<Variant> variants = List.of(Variant.values());
      try (RepoServer a = node(bucket, "node-a", logA);
          RepoServer b = node(bucket, "node-b", logB);
          Nginx balancer =
              Nginx.balance(
                  List.of(origin(a), origin(b)),
                  tmp.resolve("lb"),
                  variants.size() * AptLoad.CLIENTS)) {
        List<AptLoad.Group> groups = new ArrayList<>();
        for (Variant v : variants) {
          int first = groups.size() * AptLoad.CLIENTS; // the balancer's port for its first client
          groups.add(
              new AptLoad.Group(
                  v.name().toLowerCase(Locale.ROOT),
                  v,
                  AptLoad.CLIENTS,
                  c -> v.sourcesLine(keyring, balancer.uri(first + c))));
        }
        URI straight = URI.create(store.endpoint() + "/" + bucket + "/maemo/");
        groups.add(
            new AptLoad.Group(
                "by_hash-straight",
                Variant.BY_HASH,
                1,
                c -> Variant.BY_HASH.sourcesLine(keyring, straight)));
        List<AptLoad.Outcome> outcomes =
            AptLoad.run(
                tmp,
                groups,
                PUBLISHES,
                n -> {
                  AptLoad.releaseBoth(upstreamRoot, n, key);
                  assertThat(run(sync)).as("publish %d", n).isZero();
                });
        for (int i = 0; i < groups.size(); i++) {
          AptLoad.Group g = groups.get(i);
          AptLoad.Outcome outcome = outcomes.get(i);
          assertThat(outcome.failures())
              .as("%s: failed runs of %d", g.name(), outcome.runs())
              .isEmpty();
          assertThat(outcome.runs())
              .as("%s: client runs", g.name())
              .isGreaterThanOrEqualTo(4 * g.clients());
          assertThat(outcome.releasesSeen())
              .as("%s: different Releases updated to: the clients followed the publishes", g.name())
              .isGreaterThanOrEqualTo(3);
          Reliability.record(
              "consistency-"
                  + g.name().replace('_', '-')
                  + (g.name().endsWith("straight") ? "-from-bucket" : "-bucket-balanced"),
              String.format(
                  "%d %s apt-get runs (update, then a download of every package) by %d clients %s,"
                      + " beside the other kinds of client, while %d publishes into the bucket"
                      + " flipped the upstream between two releases: 0 failed; %d different"
                      + " Releases updated to",
                  outcome.runs(),
                  g.variant().name().toLowerCase(Locale.ROOT),
                  g.clients(),
                  g.name().endsWith("straight")
                      ? "straight from the Ceph RGW endpoint"
                      : "through nginx balancing by address over two serve nodes on one Ceph RGW"
                          + " bucket",
                  PUBLISHES,
                  outcome.releasesSeen()));
        }
        assertThat(logA.targets()).as("node a served its clients").isNotEmpty();
        assertThat(logB.targets()).as("node b served its clients").isNotEmpty();
      }
    }
  }

  /** Lets anyone read the bucket's objects, as a bucket served to clients as it is would be. */
  private static void readableByAnyone(String bucket) {
    String policy =
        """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]},
          "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::%s/*"]}]}
        """
            .formatted(bucket);
    try (S3Client s3 = store.client()) {
      s3.putBucketPolicy(r -> r.bucket(bucket).policy(policy));
    }
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
