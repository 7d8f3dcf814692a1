package org.repomirror.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The small pieces the index parsers are made of: paths, hashes, variants, expectations. */
class SmallParsersTest {
  private static final String SHA = "ab".repeat(32);

  @Test
  void oneVariantOfEachIndexIsChosenInOrderOfPreference() {
    List<String> available =
        List.of(
            "main/binary-amd64/Packages",
            "main/binary-amd64/Packages.gz",
            "main/binary-amd64/Packages.xz",
            "main/binary-amd64/by-hash/SHA256/" + SHA,
            "main/source/Sources.bz2",
            "main/source/Sources.zst",
            "main/i18n/Translation-en.xz",
            "main/binary-amd64/Release",
            "contrib/binary-amd64/Packages");
    assertThat(IndexVariants.choose(available))
        .containsExactly(
            "main/binary-amd64/Packages.xz",
            "main/source/Sources.bz2",
            "contrib/binary-amd64/Packages");
    assertThat(IndexVariants.choose(List.of("main/binary-amd64/by-hash/SHA256/Packages.xz")))
        .as("a by-hash copy is never the variant")
        .isEmpty();
    assertThat(IndexVariants.choose(List.of("Packages.lzma", "Packages.zst")))
        .containsExactly("Packages.zst");
  }

  @Test
  void anExpectedFileAcceptsItsSizeAndHashesOnly() {
    Hashes h = Hashes.of(HashAlgorithm.SHA256, SHA);
    Hashes other = Hashes.of(HashAlgorithm.SHA256, "cd".repeat(32));
    ExpectedFile known = new ExpectedFile("f", 10, h);
    assertThat(known.accepts(10, h)).isTrue();
    assertThat(known.accepts(11, h)).as("another size").isFalse();
    assertThat(known.accepts(10, other)).as("another hash").isFalse();
    ExpectedFile sizeOnly = new ExpectedFile("f", 10, null);
    assertThat(sizeOnly.accepts(10, other)).isTrue();
    assertThat(sizeOnly.accepts(9, other)).isFalse();
    ExpectedFile anySize = new ExpectedFile("f", ExpectedFile.UNKNOWN_SIZE, h);
    assertThat(anySize.accepts(12345, h)).isTrue();
    assertThat(anySize.accepts(12345, other)).isFalse();
    assertThat(new ExpectedFile("f", 0, null).size()).isZero();
    assertThatThrownBy(() -> new ExpectedFile("f", -2, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative size for f");
  }

  /** Paths of slashes, dots and letters are judged as a split into segments judges them. */
  @Property(tries = 3000)
  void aPathIsSafeExactlyWhenEverySegmentIsNonEmptyAndNotHidden(
      @ForAll @StringLength(min = 1, max = 12) @Chars({'a', '.', '/'}) String path) {
    boolean expected = true;
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.startsWith(".")) expected = false;
    }
    boolean safe;
    try {
      ArchivePaths.requireSafe(path, 0);
      safe = true;
    } catch (FormatException e) {
      safe = false;
    }
    assertThat(safe).as(path).isEqualTo(expected);
  }

  @Test
  void unsafePathsAreRefusedAndNamedPrintably() throws Exception {
    assertThat(ArchivePaths.requireSafe("pool/main/h/hello_1.0.deb", 3))
        .isEqualTo("pool/main/h/hello_1.0.deb");
    assertThat(ArchivePaths.requireSafe("a".repeat(4096), 1)).hasSize(4096);
    assertThatThrownBy(() -> ArchivePaths.requireSafe("a".repeat(4097), 1))
        .hasMessage("line 1: path is empty or too long");
    assertThatThrownBy(() -> ArchivePaths.requireSafe("", 2))
        .hasMessage("line 2: path is empty or too long");
    assertThatThrownBy(() -> ArchivePaths.requireSafe("pool/a\u001fb", 4))
        .hasMessage("line 4: unsafe character in path 'pool/a?b'");
    assertThatThrownBy(() -> ArchivePaths.requireSafe("pool/a\u007fb", 4))
        .hasMessage("line 4: unsafe character in path 'pool/a?b'");
    assertThatThrownBy(() -> ArchivePaths.requireSafe("pool\\a", 4))
        .hasMessageContaining("unsafe character");
    assertThat(ArchivePaths.requireSafe("pool/a b~c", 4)).as("a space is allowed").isNotNull();
    for (String bad : List.of("/abs", "a//b", "a/./b", "a/../b", "a/.hidden", "a/")) {
      assertThatThrownBy(() -> ArchivePaths.requireSafe(bad, 5))
          .as(bad)
          .hasMessage("line 5: unsafe path '" + bad + "'");
    }
    String longBad = "x/".repeat(100) + "..";
    assertThatThrownBy(() -> ArchivePaths.requireSafe(longBad, 6))
        .as("the path in the message is cut at 120 characters")
        .hasMessage("line 6: unsafe path '" + longBad.substring(0, 120) + "'");
  }

  @Test
  void hashAlgorithmsKnowTheirNamesAndLengths() {
    assertThat(HashAlgorithm.SHA256.byHashDirectory()).isEqualTo("SHA256");
    assertThat(HashAlgorithm.MD5.byHashDirectory()).isEqualTo("MD5Sum");
    assertThat(HashAlgorithm.SHA256.hexLength()).isEqualTo(64);
    assertThat(HashAlgorithm.SHA512.hexLength()).isEqualTo(128);
    assertThat(HashAlgorithm.SHA256.newDigest().getAlgorithm()).isEqualTo("SHA-256");
    assertThat(HashAlgorithm.SHA256.isValidHex(SHA)).isTrue();
    assertThat(HashAlgorithm.SHA256.isValidHex(SHA.toUpperCase())).isTrue();
    assertThat(HashAlgorithm.SHA256.isValidHex(SHA.substring(1))).as("too short").isFalse();
    assertThat(HashAlgorithm.SHA256.isValidHex("g" + SHA.substring(1))).as("not hex").isFalse();
    assertThat(HashAlgorithm.SHA256.isValidHex(SHA.substring(1) + "g")).isFalse();
    assertThat(HashAlgorithm.ofReleaseField("sha256")).hasValue(HashAlgorithm.SHA256);
    assertThat(HashAlgorithm.ofReleaseField("MD5Sum")).hasValue(HashAlgorithm.MD5);
    assertThat(HashAlgorithm.ofReleaseField("SHA3")).isEmpty();
  }

  @Test
  void hashesMatchWhenEveryCommonAlgorithmAgrees() {
    Hashes sha = Hashes.of(HashAlgorithm.SHA256, SHA);
    Hashes md5 = Hashes.of(HashAlgorithm.MD5, "00".repeat(16));
    Hashes both = sha.merge(md5);
    assertThat(both.values()).containsOnlyKeys(HashAlgorithm.SHA256, HashAlgorithm.MD5);
    assertThat(both.matches(both)).isTrue();
    assertThat(sha.matches(both)).isTrue();
    assertThat(both.matches(new Hashes(Map.of(HashAlgorithm.SHA256, "cd".repeat(32))))).isFalse();
    assertThat(sha.merge(sha)).isEqualTo(sha);
    assertThat(sha.matches(md5)).as("no algorithm in common proves nothing").isFalse();
    assertThatThrownBy(() -> sha.merge(Hashes.of(HashAlgorithm.SHA256, "cd".repeat(32))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conflicting SHA256");
  }
}
