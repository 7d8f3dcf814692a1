package org.repomirror.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.debian.Compression;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.PackagesIndex;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.store.Generations;
import org.repomirror.testing.ObjectStore;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.trust.ReleaseVerifier;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Invariants 1 and 4 in an object store, under kill -9: a sync into a real Ceph RGW bucket, in a
 * JVM of its own, is killed after an object is written, in the middle of an upload in parts, either
 * side of a suite's pointer switch and between the copies to the plain keys; half-way the upstream
 * publishes a new release. After each kill, every file the published generation's indexes name is
 * in the bucket, and so is every index the plain InRelease names by hash. The rerun converges and
 * leaves no upload incomplete.
 */
class BucketCrashTest {
  private static final String PREFIX = "debian/";

  /** Where the kills land, in order; the upstream publishes its second release before the third. */
  private static final List<String> POINTS =
      List.of(
          "bucket-part:2",
          "bucket-content:3",
          "bucket-part:3",
          "generation-built:1",
          "generation-switched:1",
          "bucket-plain:2");

  @TempDir Path tmp;

  private SampleRepository.Suite release(Path root, SigningKey key, String version)
      throws Exception {
    SampleRepository r =
        SampleRepository.modern(root, "stable")
            .components("main")
            .architectures("amd64")
            .signedBy(key)
            // Above 64 MiB: written in parts of 16 MiB.
            .add("sdk-image", version, "amd64", "main", 70_000_000);
    for (int i = 0; i < 8; i++) r.add("small" + i, version, "amd64", "main", 2000 + i);
    return r.write();
  }

  @Test
  void aSyncKilledAnywhereLeavesEveryPublishedReferenceInTheBucketAndTheRerunConverges()
      throws Exception {
    ObjectStore store = ObjectStore.shared();
    String bucket = store.newBucket();
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Path upstreamRoot = tmp.resolve("upstream");
    release(upstreamRoot, key, "1.0");
    List<String> violations = new ArrayList<>();
    int kills = 0;
    try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot);
        S3Client s3 = store.client()) {
      List<String> args =
          List.of(
              "sync",
              "--root",
              tmp.resolve("state").toString(),
              "--store",
              "s3://" + bucket + "/" + PREFIX,
              "--s3-endpoint",
              store.endpoint().toString(),
              "--upstream",
              upstream.uri().toString(),
              "--dist",
              "dists/stable",
              "--keyring",
              keyring.toString());
      Map<String, String> credentials =
          Map.of(
              "AWS_ACCESS_KEY_ID", store.accessKey(), "AWS_SECRET_ACCESS_KEY", store.secretKey());
      for (int i = 0; i < POINTS.size(); i++) {
        if (i == 2) release(upstreamRoot, key, "2.0");
        String point = POINTS.get(i);
        Path log = tmp.resolve("run-" + i + ".log");
        Process p = SyncProcess.start(args, point, log, credentials);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(point).isTrue();
        int code = p.exitValue();
        assertThat(code).as(point + "\n" + Files.readString(log)).isIn(0, 137);
        if (code == 137) kills++;
        if (point.startsWith("bucket-part") && code == 137) {
          assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads())
              .as("killed in the middle of an upload in parts")
              .isNotEmpty();
        }
        check(s3, bucket, point, violations);
      }
      Path log = tmp.resolve("rerun.log");
      Process rerun = SyncProcess.start(args, null, log, credentials);
      assertThat(rerun.waitFor(180, TimeUnit.SECONDS)).isTrue();
      assertThat(rerun.exitValue()).as(Files.readString(log)).isZero();
      check(s3, bucket, "rerun", violations);
      assertThat(violations).isEmpty();
      assertThat(kills).as("kills that landed").isGreaterThanOrEqualTo(POINTS.size() - 1);
      assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads())
          .as("no upload left incomplete")
          .isEmpty();
      assertThat(bytes(s3, bucket, PREFIX + "dists/stable/InRelease"))
          .as("converged on the upstream's release")
          .hasValue(Files.readAllBytes(upstreamRoot.resolve("dists/stable/InRelease")));
      Reliability.record(
          "crash-bucket",
          String.format(
              "%d kill -9 of a sync into a Ceph RGW bucket (after an object, mid-upload in parts,"
                  + " either side of the pointer switch, between plain copies; the upstream"
                  + " re-released half-way): every file a published index names was in the bucket"
                  + " after each; the rerun converged with no upload left incomplete",
              kills));
    }
  }

  /**
   * Every index the suite's current generation lists is in it, and every pool file its Packages
   * names is in the bucket; every index the plain InRelease names is there by hash.
   */
  private static void check(S3Client s3, String bucket, String after, List<String> violations)
      throws Exception {
    String store = PREFIX + Generations.STORE + "/" + Generations.key("dists/stable") + "/";
    Optional<byte[]> pointer = bytes(s3, bucket, store + "current");
    if (pointer.isEmpty()) return; // before the first publish
    String generation = store + new String(pointer.get()).strip() + "/";
    Optional<byte[]> held = bytes(s3, bucket, generation + "InRelease");
    if (held.isEmpty()) {
      violations.add(after + ": the pointer names a generation without its InRelease");
      return;
    }
    checkRelease(s3, bucket, held.get(), generation, after + " (generation)", violations);
    Optional<byte[]> plain = bytes(s3, bucket, PREFIX + "dists/stable/InRelease");
    if (plain.isPresent()) {
      checkRelease(
          s3, bucket, plain.get(), PREFIX + "dists/stable/", after + " (plain)", violations);
    }
  }

  private static void checkRelease(
      S3Client s3,
      String bucket,
      byte[] inRelease,
      String dists,
      String after,
      List<String> violations)
      throws Exception {
    ReleaseFile release = ReleaseFile.parse(ReleaseVerifier.unverifiedText(inRelease));
    for (ExpectedFile e : release.files()) {
      if (!e.path().endsWith("Packages.xz")) continue;
      String sha = e.hashes().get(HashAlgorithm.SHA256).orElseThrow();
      String dir = e.path().substring(0, e.path().lastIndexOf('/') + 1);
      Optional<byte[]> index = bytes(s3, bucket, dists + dir + "by-hash/SHA256/" + sha);
      if (index.isEmpty()) {
        violations.add(after + ": " + e.path() + " by hash, listed and not there");
        continue;
      }
      try (InputStream in = Compression.XZ.open(new ByteArrayInputStream(index.get()));
          PackagesIndex packages = new PackagesIndex(in)) {
        for (Optional<ExpectedFile> f = packages.next(); f.isPresent(); f = packages.next()) {
          String key = PREFIX + f.get().path();
          try {
            long size = s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
            if (size != f.get().size()) violations.add(after + ": " + key + " has " + size);
          } catch (NoSuchKeyException missing) {
            violations.add(after + ": " + key + " in the Packages, not in the bucket");
          } catch (software.amazon.awssdk.services.s3.model.S3Exception other) {
            if (other.statusCode() != 404) throw other;
            violations.add(after + ": " + key + " in the Packages, not in the bucket");
          }
        }
      }
    }
  }

  private static Optional<byte[]> bytes(S3Client s3, String bucket, String key) {
    try {
      ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
      return Optional.of(got.asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }
}
