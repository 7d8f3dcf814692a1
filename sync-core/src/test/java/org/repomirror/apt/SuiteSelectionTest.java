package org.repomirror.apt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SuiteSelectionTest {
  private final SuiteSelection mainAmd64 =
      new SuiteSelection(Set.of("main"), Set.of("amd64"), true, true);

  @Test
  void componentsAndArchitecturesFilterEveryKindOfIndex() {
    assertThat(mainAmd64.selects("main/binary-amd64/Packages.xz")).isTrue();
    assertThat(mainAmd64.selects("main/binary-all/Packages.xz")).isTrue();
    assertThat(mainAmd64.selects("main/binary-arm64/Packages.xz")).isFalse();
    assertThat(mainAmd64.selects("contrib/binary-amd64/Packages.xz")).isFalse();
    assertThat(mainAmd64.selects("main/Contents-amd64.gz")).isTrue();
    assertThat(mainAmd64.selects("main/Contents-arm64.gz")).isFalse();
    assertThat(mainAmd64.selects("main/Contents-udeb-mips64el.gz")).isFalse();
    assertThat(mainAmd64.selects("main/Contents-all.gz")).isTrue();
    assertThat(mainAmd64.selects("main/dep11/Components-arm64.yml.gz")).isFalse();
    assertThat(mainAmd64.selects("main/dep11/Components-amd64.yml.xz")).isTrue();
    assertThat(mainAmd64.selects("main/debian-installer/binary-s390x/Packages.xz")).isFalse();
    assertThat(mainAmd64.selects("main/installer-arm64/current/images/SHA256SUMS")).isFalse();
    assertThat(mainAmd64.selects("main/i18n/Translation-en.bz2")).isTrue();
    assertThat(mainAmd64.selects("main/dep11/icons-64x64.tar.gz")).isTrue();
  }

  @Test
  void theFoldersOfPatchesFollowTheirIndex() {
    assertThat(mainAmd64.selects("main/binary-amd64/Packages.diff/Index")).isTrue();
    assertThat(mainAmd64.selects("main/binary-arm64/Packages.diff/Index")).isFalse();
    assertThat(mainAmd64.selects("main/Contents-amd64.diff/Index")).isTrue();
    assertThat(mainAmd64.selects("main/Contents-arm64.diff/Index"))
        .as("before, a .diff folder named no architecture and was always taken")
        .isFalse();
    assertThat(mainAmd64.selects("main/i18n/Translation-en.diff/Index")).isTrue();
    assertThat(mainAmd64.selects("main/source/Sources.diff/Index")).isTrue();
  }

  @Test
  void installerVersionsAreChosenAsArchitecturesAre() {
    assertThat(mainAmd64.selects("main/installer-amd64/current/images/SHA256SUMS")).isTrue();
    assertThat(mainAmd64.selects("main/installer-amd64/20230607/images/SHA256SUMS")).isTrue();
    SuiteSelection current =
        new SuiteSelection(Set.of("main"), Set.of("amd64"), true, true, true, Set.of("current"));
    assertThat(current.selects("main/installer-amd64/current/images/SHA256SUMS")).isTrue();
    assertThat(current.selects("main/installer-amd64/20230607/images/SHA256SUMS")).isFalse();
    assertThat(current.selects("main/installer-arm64/current/images/SHA256SUMS")).isFalse();
    SuiteSelection none =
        new SuiteSelection(Set.of("main"), Set.of("amd64"), true, true, false, Set.of());
    assertThat(none.selects("main/installer-amd64/current/images/SHA256SUMS")).isFalse();
    assertThat(none.selects("main/binary-amd64/Packages.xz")).isTrue();
  }

  @Test
  void sourcesAndBinariesAreSwitchedApart() {
    SuiteSelection noSources = new SuiteSelection(Set.of(), Set.of(), true, false);
    assertThat(noSources.selects("main/source/Sources.xz")).isFalse();
    assertThat(noSources.selects("main/Contents-source.gz")).isFalse();
    assertThat(mainAmd64.selects("main/source/Sources.xz")).isTrue();
    SuiteSelection noBinaries = new SuiteSelection(Set.of(), Set.of(), false, true);
    assertThat(noBinaries.selects("main/binary-amd64/Packages.xz")).isFalse();
    assertThat(noBinaries.selects("main/Contents-amd64.gz")).isFalse();
  }

  @Test
  void theReleaseFilesThemselvesAreNeverSelected() {
    for (String own : new String[] {"Release", "Release.gpg", "InRelease"}) {
      assertThat(SuiteSelection.all().selects(own)).as(own).isFalse();
      assertThat(SuiteSelection.isReleaseFile(own)).isTrue();
    }
    assertThat(SuiteSelection.isReleaseFile("main/binary-amd64/Release"))
        .as("a component's Release is an index like any other")
        .isFalse();
  }

  @Test
  void anUncompressedVariantBesideACompressedOneIsUsuallyAbsent() {
    Set<String> listed =
        Set.of(
            "main/binary-amd64/Packages",
            "main/binary-amd64/Packages.xz",
            "main/Release",
            "x/Index");
    assertThat(SuiteSelection.usuallyAbsent("main/binary-amd64/Packages", listed)).isTrue();
    assertThat(SuiteSelection.usuallyAbsent("main/binary-amd64/Packages.xz", listed)).isFalse();
    assertThat(SuiteSelection.usuallyAbsent("x/Index", listed)).isFalse();
  }

  @Test
  void theBaseOfADistIsWhereItsPoolPathsStart() {
    assertThat(Dists.base("dists/stable")).isEmpty();
    assertThat(Dists.base("extras-devel/dists/fremantle")).isEqualTo("extras-devel/");
    assertThat(Dists.base("a/b/dists/c/d")).isEqualTo("a/b/");
    assertThat(Dists.normalize("/dists/stable/")).isEqualTo("dists/stable");
    assertThat(Dists.isMetadata("x/dists/y/Release")).isTrue();
    assertThat(Dists.isMetadata("pool/dists.deb")).isFalse();
  }
}
