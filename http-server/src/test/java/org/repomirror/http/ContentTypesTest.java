package org.repomirror.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentTypesTest {
  @Test
  void debianTypes() {
    assertThat(ContentTypes.forName("hello_1.0_amd64.deb"))
        .isEqualTo("application/vnd.debian.binary-package");
    assertThat(ContentTypes.forName("Packages.gz")).isEqualTo("application/gzip");
    assertThat(ContentTypes.forName("Packages.xz")).isEqualTo("application/x-xz");
    assertThat(ContentTypes.forName("Sources.bz2")).isEqualTo("application/x-bzip2");
    assertThat(ContentTypes.forName("Release")).startsWith("text/plain");
    assertThat(ContentTypes.forName("InRelease")).startsWith("text/plain");
    assertThat(ContentTypes.forName("Release.gpg")).isEqualTo("application/pgp-signature");
    assertThat(ContentTypes.forName("x.DEB")).isEqualTo("application/vnd.debian.binary-package");
    assertThat(ContentTypes.forName("blob.unknownext")).isEqualTo(ContentTypes.DEFAULT);
  }
}
