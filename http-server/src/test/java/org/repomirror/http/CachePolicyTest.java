package org.repomirror.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachePolicyTest {
  private final CachePolicy policy = new CachePolicy(Duration.ofSeconds(90), false);
  private final CachePolicy pinned = new CachePolicy(Duration.ofSeconds(90), true);

  @Test
  void poolAndByHashAreImmutable() {
    for (CachePolicy p : List.of(policy, pinned)) {
      assertThat(cc(p, "pool/main/h/hello/hello_1_amd64.deb")).isEqualTo(CachePolicy.IMMUTABLE);
      assertThat(cc(p, "extras-devel/pool/fremantle/free/h/hello.deb"))
          .isEqualTo(CachePolicy.IMMUTABLE);
      assertThat(cc(p, "dists/stable/main/binary-amd64/by-hash/SHA256/abc"))
          .isEqualTo(CachePolicy.IMMUTABLE);
    }
  }

  @Test
  void releaseFilesShareOneShortMaxAge() {
    String release = cc(policy, "dists/stable/Release");
    assertThat(release).isEqualTo("public, max-age=90");
    assertThat(cc(policy, "dists/stable/Release.gpg")).isEqualTo(release);
    assertThat(cc(policy, "dists/stable/InRelease")).isEqualTo(release);
    assertThat(cc(policy, "dists/stable/main/binary-amd64/Packages.xz")).isEqualTo(release);
    assertThat(cc(policy, "dists/pool/Release")).isEqualTo(release);
  }

  @Test
  void pinnedMetadataIsRevalidatedOnEveryUse() {
    for (String path :
        List.of(
            "dists/stable/Release",
            "dists/stable/InRelease",
            "extras-devel/dists/fremantle/Release.gpg",
            "extras-devel/dists/fremantle/free/binary-armel/Packages.gz")) {
      assertThat(cc(pinned, path)).as(path).isEqualTo("public, no-cache");
    }
    assertThat(cc(pinned, "README.html")).isEqualTo("public, max-age=90");
  }

  @Test
  void otherFilesAndListingsAreShortLived() {
    assertThat(cc(policy, "README.html")).isEqualTo("public, max-age=90");
    assertThat(pinned.cacheControl(List.of("dists", "stable"), true))
        .isEqualTo("public, max-age=90");
  }

  private static String cc(CachePolicy p, String path) {
    return p.cacheControl(List.of(path.split("/")), false);
  }
}
