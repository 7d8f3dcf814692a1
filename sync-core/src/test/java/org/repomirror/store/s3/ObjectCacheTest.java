package org.repomirror.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.store.ServedTree;
import org.repomirror.testing.ObjectStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A node's cache of a real bucket's objects: bounded, brought again when an object changed. */
class ObjectCacheTest {
  @TempDir Path tmp;

  @Test
  void keepsNoMoreThanItsBoundAndDeletesWhatItLetsGo() throws Exception {
    ObjectStore store = ObjectStore.shared();
    String name = store.newBucket();
    S3Client s3 = store.client();
    Bucket bucket = new Bucket(s3, name, "m/");
    for (String k : List.of("a", "b", "c")) {
      s3.putObject(
          r -> r.bucket(name).key("m/pool/" + k), RequestBody.fromBytes(new byte[600 << 10]));
    }
    ObjectCache cache = new ObjectCache(tmp.resolve("cache"), 1 << 20, Duration.ofMillis(300));
    for (String k : List.of("a", "b", "c")) {
      ServedTree.Resolved r = cache.file(bucket, "pool/" + k, bucket.head("pool/" + k).get());
      assertThat(r).isInstanceOf(ServedTree.RegularFile.class);
      assertThat(((ServedTree.RegularFile) r).path()).hasSize(600 << 10);
    }
    assertThat(Stream.of("a", "b", "c").filter(k -> cache.has("pool/" + k)))
        .as("at most 1 MiB of 600 KiB objects")
        .hasSize(1);
    awaitFiles(1);

    s3.putObject(r -> r.bucket(name).key("m/pool/c"), RequestBody.fromString("changed"));
    ServedTree.Resolved again = cache.file(bucket, "pool/c", bucket.head("pool/c").get());
    assertThat(Files.readString(((ServedTree.RegularFile) again).path())).isEqualTo("changed");
    assertThat(cache.has("pool/c")).isTrue();
    awaitFiles((int) Stream.of("a", "b", "c").filter(k -> cache.has("pool/" + k)).count());
  }

  /** Waits out the files let go of, then counts those left: one per object held. */
  private void awaitFiles(int expected) throws Exception {
    Thread.sleep(1000);
    try (Stream<Path> kept = Files.list(tmp.resolve("cache/objects"))) {
      assertThat(kept.toList()).as("files kept once those let go of went").hasSize(expected);
    }
  }
}
