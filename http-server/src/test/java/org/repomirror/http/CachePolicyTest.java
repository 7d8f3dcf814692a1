package org.repomirror.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachePolicyTest {
  private final CachePolicy policy = new CachePolicy(Duration.ofSeconds(90));

  @Test
  void poolAndByHashAreImmutable() {
    assertThat(cc("pool/main/h/hello/hello_1_amd64.deb")).isEqualTo(CachePolicy.IMMUTABLE);
    assertThat(cc("extras-devel/pool/fremantle/free/h/hello.deb")).isEqualTo(CachePolicy.IMMUTABLE);
    assertThat(cc("dists/stable/main/binary-amd64/by-hash/SHA256/abc"))
        .isEqualTo(CachePolicy.IMMUTABLE);
  }

  @Test
  void releaseFilesShareOneShortMaxAge() {
    String release = cc("dists/stable/Release");
    assertThat(release).isEqualTo("public, max-age=90");
    assertThat(cc("dists/stable/Release.gpg")).isEqualTo(release);
    assertThat(cc("dists/stable/InRelease")).isEqualTo(release);
    assertThat(cc("dists/stable/main/binary-amd64/Packages.xz")).isEqualTo(release);
    assertThat(cc("dists/pool/Release")).isEqualTo(release);
  }

  @Test
  void otherFilesAndListingsAreShortLived() {
    assertThat(cc("README.html")).isEqualTo("public, max-age=90");
    assertThat(policy.cacheControl(List.of("pool", "main"), true)).isEqualTo("public, max-age=90");
  }

  private String cc(String path) {
    return policy.cacheControl(List.of(path.split("/")), false);
  }
}
