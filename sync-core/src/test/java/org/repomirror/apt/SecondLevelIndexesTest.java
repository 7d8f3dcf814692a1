package org.repomirror.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.HashAlgorithm;

/**
 * The second-level indexes of Debian's real archive: bookworm-updates' Packages.diff/Index and
 * bookworm's installer-amd64 SHA256SUMS, as fetched from deb.debian.org on 2026-12-06.
 */
class SecondLevelIndexesTest {
  private static final String DIFF = "dists/bookworm-updates/main/binary-amd64/Packages.diff/";
  private static final String IMAGES = "dists/bookworm/main/installer-amd64/current/images/";

  private static List<ExpectedFile> read(String path, InputStream in) throws IOException {
    List<ExpectedFile> files = new ArrayList<>();
    SecondLevelIndexes.read(path, in, files::add);
    return files;
  }

  private static InputStream fixture(String name) {
    return SecondLevelIndexesTest.class.getResourceAsStream("/debian/" + name);
  }

  @Test
  void aPdiffIndexNamesItsMergedAndUnmergedPatchesWithSizesAndHashes() throws Exception {
    List<ExpectedFile> patches =
        read(DIFF + "Index", fixture("bookworm-updates_main_binary-amd64_Packages.diff_Index"));
    List<String> names = patches.stream().map(ExpectedFile::path).toList();
    assertThat(names)
        .contains(
            DIFF + "T-2025-08-09-2057.10-F-2023-06-11-0934.16.gz", DIFF + "2023-06-11-0934.16.gz")
        .allMatch(n -> n.startsWith(DIFF) && n.endsWith(".gz"))
        .doesNotHaveDuplicates();
    ExpectedFile first =
        patches.stream()
            .filter(p -> p.path().endsWith("T-2025-08-09-2057.10-F-2023-06-11-0934.16.gz"))
            .findFirst()
            .orElseThrow();
    assertThat(first.size()).isEqualTo(7347);
    assertThat(first.hashes().get(HashAlgorithm.SHA256))
        .contains("75cc9d33f795a0b5ad5eca0707fd888ba960bcb4b9f49a046d3af33fcb1dfd9c");
    assertThat(first.hashes().get(HashAlgorithm.SHA1)).as("SHA1-Download merged in").isPresent();
  }

  @Test
  void anInstallersSha256sumsNamesItsImagesBelowItsFolder() throws Exception {
    List<ExpectedFile> images =
        read(
            IMAGES + "SHA256SUMS",
            fixture("bookworm_main_installer-amd64_current_images_SHA256SUMS"));
    assertThat(images).hasSize(622);
    assertThat(images.stream().map(ExpectedFile::path))
        .contains(IMAGES + "netboot/mini.iso", IMAGES + "MD5SUMS")
        .allMatch(p -> p.startsWith(IMAGES) && !p.contains("/./"));
    assertThat(images).allMatch(f -> f.size() == ExpectedFile.UNKNOWN_SIZE);
    assertThat(images.getFirst().hashes().get(HashAlgorithm.SHA256))
        .contains("1a6682d09b162760acb1af01bc574e5e5ba90b771ae07613ea66ffd6a97d724a");
  }

  @Test
  void theStrongestChecksumsOfAnImagesFolderAreRead() {
    assertThat(
            SecondLevelIndexes.choose(
                List.of(
                    IMAGES + "SHA256SUMS",
                    IMAGES + "MD5SUMS",
                    "dists/x/main/installer-armel/old/images/MD5SUMS",
                    DIFF + "Index",
                    DIFF + "by-hash/SHA256/abc",
                    "dists/x/main/binary-amd64/Packages.xz")))
        .containsExactly(
            IMAGES + "SHA256SUMS",
            "dists/x/main/installer-armel/old/images/MD5SUMS",
            DIFF + "Index");
  }

  @Test
  void namesThatWouldLeaveTheirFolderAreRefused() {
    String index = "SHA256-Download:\n " + "a".repeat(64) + " 12 ../../../../etc/passwd\n";
    assertThatThrownBy(
            () ->
                read(
                    DIFF + "Index",
                    new ByteArrayInputStream(index.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining(DIFF + "Index");
    String sums = "b".repeat(64) + "  ./../escape\n";
    assertThatThrownBy(
            () ->
                read(
                    IMAGES + "SHA256SUMS",
                    new ByteArrayInputStream(sums.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("unsafe path");
  }
}
