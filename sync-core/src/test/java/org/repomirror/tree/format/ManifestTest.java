package org.repomirror.tree.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.repomirror.debian.FormatException;

class ManifestTest {
  private static final String SHA =
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

  @Provide
  Arbitrary<List<TreeEntry>> entries() {
    Arbitrary<String> segment =
        Arbitraries.strings()
            .withChars("abz09+~%_- Ä€")
            .ofMinLength(1)
            .ofMaxLength(12)
            .filter(s -> !s.startsWith("."));
    Arbitrary<String> path = segment.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
    // A path is never a control character; a link target may be anything inside the tree.
    Arbitrary<String> target =
        Arbitraries.strings()
            .withChars("abz09+~%_- \t\r\n")
            .ofMinLength(1)
            .ofMaxLength(12)
            .filter(t -> !t.startsWith("."));
    Arbitrary<TreeEntry> file =
        Combinators.combine(
                path,
                Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 4_000_000_000_000L),
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(64))
            .as(TreeEntry::file);
    Arbitrary<TreeEntry> link =
        Combinators.combine(path, target, Arbitraries.longs().between(0, 1L << 42))
            .as(
                (p, to, mtime) ->
                    new TreeEntry(p, TreeEntry.Type.SYMLINK, to.length(), mtime, 1, SHA, to));
    return Arbitraries.oneOf(file, link).list().ofMaxSize(20);
  }

  @Property(tries = 300)
  void whatIsWrittenReadsBackTheSame(@ForAll("entries") List<TreeEntry> entries)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Manifest.Writer w = new Manifest.Writer(bytes)) {
      for (TreeEntry e : entries) w.write(e);
    }
    List<TreeEntry> read = new ArrayList<>();
    Manifest.read(new ByteArrayInputStream(bytes.toByteArray()), read::add);
    assertThat(read).isEqualTo(entries);
  }

  @Property(tries = 2000)
  void arbitraryBytesGiveAParseErrorOrEntriesNeverAnotherException(@ForAll byte[] junk) {
    byte[] input =
        ("repomirror-manifest 1\n" + new String(junk, StandardCharsets.ISO_8859_1))
            .getBytes(StandardCharsets.ISO_8859_1);
    try {
      Manifest.read(new ByteArrayInputStream(input), e -> {});
    } catch (FormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    } catch (IOException other) {
      throw new AssertionError("not a parse error: " + other, other);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "hello\n",
        "repomirror-manifest 2\n",
        "repomirror-manifest 1\nf\t1\t2\t" + SHA + "\n",
        "repomirror-manifest 1\nx\t1\t2\t" + SHA + "\tpath\n",
        "repomirror-manifest 1\nf\t-1\t2\t" + SHA + "\tpath\n",
        "repomirror-manifest 1\nf\t1\t2\tabc\tpath\n",
        "repomirror-manifest 1\nf\t1\t2\t" + SHA + "\t../etc/passwd\n",
        "repomirror-manifest 1\nf\t1\t2\t" + SHA + "\t/etc/passwd\n",
        "repomirror-manifest 1\nf\t1\t2\t" + SHA + "\t.repomirror/index/CURRENT\n",
        "repomirror-manifest 1\nf\t1\t2\t" + SHA + "\ta%2Fb\n",
        "repomirror-manifest 1\nl\t1\t2\t" + SHA + "\tlink\t../../etc\n",
        "repomirror-manifest 1\nl\t1\t2\t" + SHA + "\tlink\t/etc\n",
        "repomirror-manifest 1\nf\t1\t2\t" + SHA + "\tpath",
        "repomirror-manifest 1\nf\t99999999999999999999\t2\t" + SHA + "\tpath\n",
      })
  void malformedManifestsGiveAClearParseError(String text) {
    assertThatThrownBy(
            () ->
                Manifest.read(
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), e -> {}))
        .isInstanceOf(FormatException.class)
        .hasMessageMatching("(?s).*(line \\d+: |not a repomirror manifest).*");
  }

  @Test
  void aVeryLongLineIsRefusedWithoutReadingItAll() {
    byte[] endless = new byte[10 * 1024 * 1024];
    java.util.Arrays.fill(endless, (byte) 'a');
    byte[] input = new byte[endless.length + 22];
    System.arraycopy("repomirror-manifest 1\n".getBytes(), 0, input, 0, 22);
    System.arraycopy(endless, 0, input, 22, endless.length);
    assertThatThrownBy(() -> Manifest.read(new ByteArrayInputStream(input), e -> {}))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("line too long");
  }

  @Test
  void linksMayPointAnywhereInsideTheTree() {
    assertThat(TreePaths.linkStaysInside("a/b/link", "../c/d")).isTrue();
    assertThat(TreePaths.linkStaysInside("a/link", "../../x")).isFalse();
    assertThat(TreePaths.linkStaysInside("link", "./x/../y")).isTrue();
    assertThat(TreePaths.linkStaysInside("link", "x/../../y")).isFalse();
    assertThat(TreePaths.linkStaysInside("link", ".repomirror/index")).isFalse();
    assertThat(TreePaths.linkStaysInside("link", "")).isFalse();
  }
}
