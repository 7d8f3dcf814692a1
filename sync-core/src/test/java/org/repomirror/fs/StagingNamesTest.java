package org.repomirror.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StagingNamesTest {
  private final Path staging = Path.of("/m/.repomirror/staging");

  @Test
  void everyPathStagesDirectlyInTheStagingFolder() {
    Path p = StagingNames.of(staging, "pool/main/h/hello/hello_2.10-3_amd64.deb");
    assertThat(p.getParent()).isEqualTo(staging);
    assertThat(p.getFileName().toString())
        .isEqualTo("pool%2Fmain%2Fh%2Fhello%2Fhello_2.10-3_amd64.deb");
  }

  @Test
  void distinctPathsNeverShareAName() {
    assertThat(StagingNames.of(staging, "a/b%2Fc")).isNotEqualTo(StagingNames.of(staging, "a/b/c"));
    assertThat(StagingNames.of(staging, "notes/100%.txt").getFileName().toString())
        .isEqualTo("notes%2F100%25.txt");
  }

  @Test
  void aLongPathGetsAHashedNameThatKeepsItsFileName() {
    String deep = "pool/" + "segment/".repeat(40) + "naïve-café_1.0_amd64.deb";
    String name = StagingNames.of(staging, deep).getFileName().toString();
    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(200);
    assertThat(name).endsWith("naïve-café_1.0_amd64.deb").hasSizeGreaterThan(64);
    assertThat(StagingNames.of(staging, deep + "x").getFileName().toString()).isNotEqualTo(name);
  }
}
