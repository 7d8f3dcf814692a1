package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

/**
 * Invariant 8 across machines: legacy apt clients loop on {@code update} and a download of every
 * package through a real nginx balancing them by address over two stateless serve nodes on one
 * bucket (a real Ceph RGW), while sync publishes {@value #PUBLISHES} times into the bucket with the
 * upstream flipping between two signed releases. Not one failed run.
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
  void legacyAptThroughABalancerOverTwoNodesNeverSeesAMismatchWhileReleasesFlip() throws Exception {
    Variant v = Variant.LEGACY;
    Path upstreamRoot = tmp.resolve("upstream");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    AptLoad.release(upstreamRoot, v, 1, key);
    String bucket = store.newBucket();
    RecordingAccessLog logA = new RecordingAccessLog();
    RecordingAccessLog logB = new RecordingAccessLog();
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      String[] sync = {
        "sync",
        "--root",
        tmp.resolve("sync-state").toString(),
        "--store",
        "s3://" + bucket + "/maemo",
        "--s3-endpoint",
        store.endpoint().toString(),
        "--upstream",
        upstream.uri().toString(),
        "--dist",
        v.dist(),
        "--keyring",
        keyring.toString()
      };
      assertThat(run(sync)).isZero();
      try (RepoServer a = node(bucket, "node-a", logA);
          RepoServer b = node(bucket, "node-b", logB);
          Nginx balancer =
              Nginx.balance(List.of(origin(a), origin(b)), tmp.resolve("lb"), AptLoad.CLIENTS)) {
        AptLoad.Outcome outcome =
            AptLoad.run(
                tmp,
                v,
                c -> v.sourcesLine(keyring, balancer.uri(c)),
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
        assertThat(logA.targets()).as("node a served its client").isNotEmpty();
        assertThat(logB.targets()).as("node b served its client").isNotEmpty();
        Reliability.record(
            "consistency-legacy-bucket-balanced",
            String.format(
                "%d legacy apt-get runs (update, then a download of every package) by %d clients"
                    + " through nginx balancing by address over two serve nodes on one Ceph RGW"
                    + " bucket, while %d publishes into the bucket flipped the upstream between two"
                    + " releases: 0 failed; %d different Releases updated to",
                outcome.runs(), AptLoad.CLIENTS, PUBLISHES, outcome.releasesSeen()));
      }
    }
  }

  private static URI origin(RepoServer server) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
  }

  private static int run(String... args) {
    StringWriter out = new StringWriter();
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
  }
}
