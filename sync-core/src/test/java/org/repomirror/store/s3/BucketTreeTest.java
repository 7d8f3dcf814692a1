package org.repomirror.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.plan.DiskView;
import org.repomirror.sample.SampleRepository;
import org.repomirror.store.PublishedTree;
import org.repomirror.testing.FailingWrites;
import org.repomirror.testing.ObjectStore;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** What the bucket does beyond the published tree's contract, against a real Ceph RGW. */
class BucketTreeTest {
  @TempDir Path tmp;
  private ObjectStore store;
  private String bucket;

  @BeforeEach
  void bucket() throws Exception {
    store = ObjectStore.shared();
    bucket = store.newBucket();
  }

  private S3Store location() {
    return new S3Store(
        URI.create("s3://" + bucket + "/mirror"), store.endpoint(), null, true, null);
  }

  private BucketTree tree(S3Client client) {
    return location().tree(client, tmp.resolve("staging"), tmp.resolve("catalog"));
  }

  private PublishedTree.Staged stage(String path, byte[] content) throws Exception {
    Path staged = tmp.resolve("staging").resolve(path.replace('/', '_'));
    Files.createDirectories(staged.getParent());
    Files.write(staged, content);
    return new PublishedTree.Staged(staged, path);
  }

  private PublishedTree.Staged stage(String path, String content) throws Exception {
    return stage(path, content.getBytes(StandardCharsets.UTF_8));
  }

  private String read(BucketTree tree, String path) throws Exception {
    return new String(tree.read(path).orElseThrow(), StandardCharsets.UTF_8);
  }

  private void generation(BucketTree tree, long id) throws Exception {
    tree.switchGeneration(
        "dists/s",
        id,
        List.of(
            stage("dists/s/main/Packages", "packages of " + id),
            stage("dists/s/Release", "release of " + id)));
  }

  @Test
  void aFileAboveTheMultipartSizeGoesInPartsAndReadsBackWhole() throws Exception {
    byte[] big = new byte[(70 << 20) + 12345];
    new Random(5).nextBytes(big);
    BucketTree tree = tree(store.client());
    tree.placeContent(List.of(stage("pool/big.deb", big)));

    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = tree.open("pool/big.deb")) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
    }
    assertThat(HexFormat.of().formatHex(sha.digest()))
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big)));
    Bucket.Head head = new Bucket(store.client(), bucket, "mirror/").head("pool/big.deb").get();
    assertThat(head.etag()).as("the ETag of an upload in 5 parts").endsWith("-5");
    assertThat(head.size()).isEqualTo(big.length);
  }

  /** Flips a byte of every object's body on its way to the store, after its MD5 was taken. */
  private static final class DamageOnTheWay implements ExecutionInterceptor {
    @Override
    public Optional<RequestBody> modifyHttpContent(
        Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      if (!(context.request() instanceof PutObjectRequest) || context.requestBody().isEmpty()) {
        return context.requestBody();
      }
      try (InputStream in = context.requestBody().get().contentStreamProvider().newStream()) {
        byte[] bytes = in.readAllBytes();
        bytes[bytes.length / 2] ^= 1;
        return Optional.of(RequestBody.fromBytes(bytes));
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void aFileDamagedOnItsWayToTheStoreIsRefusedAndStaysStaged() throws Exception {
    BucketTree tree = tree(store.client(new DamageOnTheWay()));
    PublishedTree.Staged deb = stage("pool/a.deb", "the bytes that were verified");
    assertThatThrownBy(() -> tree.placeContent(List.of(deb)))
        .hasMessageContaining("s3://" + bucket + "/mirror/pool/a.deb");
    assertThat(tree(store.client()).exists("pool/a.deb")).as("nothing placed").isFalse();
    assertThat(deb.staged()).as("kept for the next try").exists();
  }

  @Test
  void aFileKnownByItsSha256IsWrittenWithoutAnMd5AndRefusedWhenItChangedSinceItWasVerified()
      throws Exception {
    BucketTree tree = tree(store.client());
    byte[] verified = "the bytes that were verified".getBytes(StandardCharsets.UTF_8);
    String sha256 = SampleRepository.hex("SHA-256", verified);
    PublishedTree.Staged good = stage("pool/good.deb", verified);
    tree.placeContent(List.of(new PublishedTree.Staged(good.staged(), good.localPath(), sha256)));
    assertThat(read(tree(store.client()), "pool/good.deb"))
        .isEqualTo("the bytes that were verified");

    PublishedTree.Staged rotted = stage("pool/rotted.deb", verified);
    byte[] changed = verified.clone();
    changed[changed.length / 2] ^= 1; // the staged file changed after its verification
    Files.write(rotted.staged(), changed);
    assertThatThrownBy(
            () ->
                tree.placeContent(
                    List.of(new PublishedTree.Staged(rotted.staged(), rotted.localPath(), sha256))))
        .hasMessageContaining("s3://" + bucket + "/mirror/pool/rotted.deb")
        .hasStackTraceContaining("not the one verified");
    assertThat(tree(store.client()).exists("pool/rotted.deb")).as("nothing placed").isFalse();
    assertThat(rotted.staged()).as("kept for the next try").exists();
  }

  @Test
  void aFileInPartsThatChangedSinceItWasVerifiedIsNeverCompleted() throws Exception {
    byte[] big = new byte[70 << 20];
    new java.util.Random(7).nextBytes(big);
    String sha256 = SampleRepository.hex("SHA-256", big);
    big[big.length - 1] ^= 1; // changed after its verification, in its last part
    PublishedTree.Staged staged = stage("pool/big-rotted.deb", big);
    BucketTree tree = tree(store.client());
    assertThatThrownBy(
            () ->
                tree.placeContent(
                    List.of(new PublishedTree.Staged(staged.staged(), staged.localPath(), sha256))))
        .hasMessageContaining("not the one verified");
    assertThat(tree(store.client()).exists("pool/big-rotted.deb")).as("nothing placed").isFalse();
    try (var s3 = store.client()) {
      assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads())
          .as("the upload aborted")
          .isEmpty();
    }
  }

  @Test
  void aSwitchCutOffWhileCopyingToThePlainKeysIsFinishedByRecovery() throws Exception {
    generation(tree(store.client()), 1);
    // Writes of the next switch: 2 files into the generation, the intent, the pointer, then the
    // plain keys, Release last: the 6th write is the plain Release.
    BucketTree failing = tree(store.client(new FailingWrites(6)));
    assertThatThrownBy(() -> generation(failing, 2)).hasMessageContaining("No space left");

    BucketTree tree = tree(store.client());
    assertThat(tree.currentGeneration("dists/s")).as("the switch itself happened").hasValue(2L);
    assertThat(read(tree, "dists/s/main/Packages")).isEqualTo("packages of 2");
    assertThat(read(tree, "dists/s/Release"))
        .as("the plain Release still the old one: it goes last")
        .isEqualTo("release of 1");
    assertThat(tree.recoverGenerations()).isPositive();
    assertThat(read(tree, "dists/s/Release")).isEqualTo("release of 2");
    assertThat(tree.recoverGenerations()).as("nothing left to finish").isZero();
  }

  /** Counts the HEAD requests a client makes. */
  private static final class CountingHeads implements ExecutionInterceptor {
    final AtomicInteger heads = new AtomicInteger();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof HeadObjectRequest) heads.incrementAndGet();
    }
  }

  @Test
  void aLaterRunAsksAboutAnObjectOnlyWhenItsEtagChanged() throws Exception {
    PublishedTree.Staged a = stage("pool/a.deb", "package a");
    PublishedTree.Staged b = stage("pool/b.deb", "package b");
    Files.setLastModifiedTime(a.staged(), FileTime.fromMillis(1_600_000_000_000L));
    Files.setLastModifiedTime(b.staged(), FileTime.fromMillis(1_600_000_001_000L));
    tree(store.client()).placeContent(List.of(a, b));

    CountingHeads counting = new CountingHeads();
    BucketTree next = tree(store.client(counting));
    assertThat(next.stat("pool/a.deb")).hasValue(new DiskView.OnDisk(true, 9, 1_600_000_000_000L));
    assertThat(next.stat("pool/b.deb")).hasValue(new DiskView.OnDisk(true, 9, 1_600_000_001_000L));
    assertThat(counting.heads.get()).as("both answered from the journal").isZero();

    // Something else replaces b: its ETag changes, and only it is asked about.
    store
        .client()
        .putObject(
            r -> r.bucket(bucket).key("mirror/pool/b.deb").metadata(Map.of("mtime", "9000")),
            RequestBody.fromString("replaced"));
    BucketTree after = tree(store.client(counting));
    assertThat(after.stat("pool/a.deb")).hasValueSatisfying(d -> assertThat(d.size()).isEqualTo(9));
    assertThat(after.stat("pool/b.deb")).hasValue(new DiskView.OnDisk(true, 8, 9000));
    assertThat(counting.heads.get()).isEqualTo(1);

    BucketTree forgetful = location().tree(store.client(counting), tmp.resolve("staging"), null);
    forgetful.stat("pool/a.deb");
    assertThat(counting.heads.get()).as("no journal: asked").isEqualTo(2);
  }

  @Test
  void anUploadInPartsThatACrashLeftIsAbortedByRecovery() throws Exception {
    S3Client s3 = store.client();
    String upload =
        s3.createMultipartUpload(b -> b.bucket(bucket).key("mirror/pool/half.deb")).uploadId();
    s3.uploadPart(
        b -> b.bucket(bucket).key("mirror/pool/half.deb").uploadId(upload).partNumber(1),
        RequestBody.fromBytes(new byte[5 << 20]));
    assertThat(tree(s3).recoverGenerations()).isEqualTo(1);
    assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    assertThat(tree(s3).exists("pool/half.deb")).isFalse();
  }

  @Test
  void aCredentialsFileOthersMayReadIsRefused() throws Exception {
    Path file = tmp.resolve("credentials");
    Files.writeString(
        file,
        "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
            .formatted(store.accessKey(), store.secretKey()));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    S3Store withFile =
        new S3Store(URI.create("s3://" + bucket + "/m"), store.endpoint(), null, true, file);
    assertThatThrownBy(withFile::client)
        .hasMessageContaining("chmod 600")
        .message()
        .doesNotContain(store.secretKey());

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    try (S3Client client = withFile.client()) {
      BucketTree tree = withFile.tree(client, tmp.resolve("staging"), tmp.resolve("catalog"));
      tree.placeContent(List.of(stage("pool/b.deb", "b")));
      assertThat(read(tree, "pool/b.deb")).isEqualTo("b");
    }
  }

  @Test
  void aRefusedRequestIsNamedWithoutItsCredentials() throws Exception {
    Path file = tmp.resolve("credentials");
    String wrongSecret = "not-the-secret-0123456789abcdefABCDEF";
    Files.writeString(
        file,
        "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
            .formatted(store.accessKey(), wrongSecret));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    S3Store withFile =
        new S3Store(URI.create("s3://" + bucket + "/m"), store.endpoint(), null, true, file);
    try (S3Client client = withFile.client()) {
      BucketTree tree = withFile.tree(client, tmp.resolve("staging"), tmp.resolve("catalog"));
      assertThatThrownBy(() -> tree.placeContent(List.of(stage("pool/c.deb", "c"))))
          .hasMessageContaining("s3://" + bucket + "/m/pool/c.deb")
          .hasMessageContaining("SignatureDoesNotMatch")
          .message()
          .doesNotContain(wrongSecret);
    }
  }
}
