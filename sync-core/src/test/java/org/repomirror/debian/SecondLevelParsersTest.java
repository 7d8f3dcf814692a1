package org.repomirror.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parsers of second-level indexes on their own: a pdiff Index (Debian's real one of
 * bookworm-updates, then cases made to break them) and a checksums file.
 */
class SecondLevelParsersTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(40);

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void debiansIndexGivesEveryDownloadOnceWithItsHashesMerged() throws IOException {
    try (InputStream in =
        getClass()
            .getResourceAsStream(
                "/debian/bookworm-updates_main_binary-amd64_Packages.diff_Index")) {
      List<ExpectedFile> files = PdiffIndex.downloads(in);
      // 19 merged patches (T-<date>-F-<date>.gz) and the 19 unmerged ones they replace.
      assertThat(files).hasSize(38).allMatch(f -> f.path().endsWith(".gz") && f.size() > 0);
      assertThat(files.stream().filter(f -> f.path().startsWith("T-"))).hasSize(19);
      assertThat(files).allMatch(f -> f.hashes().get(HashAlgorithm.SHA256).isPresent());
      assertThat(files).allMatch(f -> f.hashes().get(HashAlgorithm.SHA1).isPresent());
    }
  }

  @Test
  void mergedAndUnmergedListsAreBothTakenAndHashesOfOneNameMerge() throws IOException {
    List<ExpectedFile> files =
        PdiffIndex.downloads(
            text(
                "SHA256-Current: "
                    + A
                    + " 10\nSHA256-Download:\n "
                    + A
                    + " 7 T-1-F-0.gz\nSHA1-Download:\n "
                    + B
                    + " 7 T-1-F-0.gz\nX-Unmerged-SHA256-Download:\n "
                    + A
                    + " 5 1.gz\n"));
    assertThat(files).extracting(ExpectedFile::path).containsExactly("T-1-F-0.gz", "1.gz");
    assertThat(files.getFirst().size()).isEqualTo(7);
    assertThat(files.getFirst().hashes().values())
        .containsKeys(HashAlgorithm.SHA256, HashAlgorithm.SHA1);
    assertThat(PdiffIndex.downloads(text("SHA256-Current: " + A + " 10\n"))).isEmpty();
  }

  @Test
  void anIndexThatContradictsItselfOrNamesAPathIsRefused() {
    assertThatThrownBy(
            () ->
                PdiffIndex.downloads(
                    text(
                        "SHA256-Download:\n "
                            + A
                            + " 7 x.gz\nSHA1-Download:\n "
                            + B
                            + " 8 x.gz\n")))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("disagree on the size of x.gz");
    for (String line : List.of(A + " 7", A + " seven x.gz", "zz 7 x.gz", A + " 7 sub/x.gz")) {
      assertThatThrownBy(() -> PdiffIndex.downloads(text("SHA256-Download:\n " + line + "\n")))
          .as(line)
          .isInstanceOf(FormatException.class)
          .hasMessageStartingWith("SHA256-Download: ");
    }
    assertThatThrownBy(() -> PdiffIndex.downloads(text("")))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("empty Index");
  }

  @Test
  void aChecksumsFileReadsTextAndBinaryModeLinesWithoutSizes() throws IOException {
    List<ExpectedFile> files =
        ChecksumsFile.entries(
            text(A.toUpperCase() + "  ./netboot/mini.iso\n\n" + A + " *cdrom/vmlinuz\n"),
            HashAlgorithm.SHA256);
    assertThat(files)
        .extracting(ExpectedFile::path)
        .containsExactly("netboot/mini.iso", "cdrom/vmlinuz");
    assertThat(files).allMatch(f -> f.size() == ExpectedFile.UNKNOWN_SIZE);
    assertThat(files.getFirst().hashes().get(HashAlgorithm.SHA256)).contains(A);
  }

  @Test
  void aChecksumsLineThatIsNotOneIsNamedByItsLine() {
    for (String bad : List.of("not-a-hash  ./x", A, " " + A + "  ./x", B + "  ./x")) {
      assertThatThrownBy(() -> ChecksumsFile.entries(text("\n" + bad + "\n"), HashAlgorithm.SHA256))
          .as(bad)
          .isInstanceOf(FormatException.class)
          .hasMessageContaining("line 2");
    }
  }
}
