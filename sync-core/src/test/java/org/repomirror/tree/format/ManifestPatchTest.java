package org.repomirror.tree.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.FormatException;

/**
 * A patched manifest is byte for byte the manifest of every entry, whatever changed: paths added
 * before, between and after the others, changed, or gone; with {@code %}, tabs, spaces and letters
 * outside ASCII, whose UTF-8 order is not Java's string order.
 */
class ManifestPatchTest {
  /** Entries by path in the order of their UTF-8 bytes, as the index holds them. */
  private static TreeMap<String, TreeEntry> sorted() {
    return new TreeMap<>(
        (a, b) ->
            Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
  }

  @Property(tries = 300)
  void aPatchWritesWhatWritingEveryEntryWould(
      @ForAll("paths") Set<String> before,
      @ForAll("paths") Set<String> after,
      @ForAll("paths") Set<String> touched)
      throws IOException {
    TreeMap<String, TreeEntry> old = sorted();
    for (String p : before) old.put(p, entry(p, 1));
    TreeMap<String, TreeEntry> now = sorted();
    for (String p : after) now.put(p, entry(p, touched.contains(p) ? 2 : 1));
    // What changed: paths gone, new, or touched, and a few that did not change at all.
    Map<String, Optional<TreeEntry>> changed = new HashMap<>();
    for (String p : before) if (!now.containsKey(p)) changed.put(p, Optional.empty());
    for (String p : after) {
      if (!old.containsKey(p) || touched.contains(p)) changed.put(p, Optional.of(now.get(p)));
    }
    for (String p : touched) changed.putIfAbsent(p, Optional.ofNullable(now.get(p)));

    ByteArrayOutputStream patched = new ByteArrayOutputStream();
    try (Manifest.Writer out = new Manifest.Writer(patched)) {
      ManifestPatch.apply(new ByteArrayInputStream(whole(old)), changed, out);
    }
    assertThat(new String(patched.toByteArray(), StandardCharsets.UTF_8))
        .isEqualTo(new String(whole(now), StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<Set<String>> paths() {
    // U+1F600 sorts after U+FF61 in UTF-8 and before it in Java's UTF-16 string order.
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .withChars("aAzZ09+~%. \tü€日")
                .withCharRange('a', 'e')
                .ofMinLength(1)
                .ofMaxLength(6)
                .filter(s -> !s.equals(".") && !s.equals("..")),
            Arbitraries.of("\uD83D\uDE00", "\uFF61", "a\uD83D\uDE00", "a\uFF61"));
    return segment
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(l -> String.join("/", l))
        .set()
        .ofMaxSize(40);
  }

  @Test
  void aManifestOutOfOrderIsRefused() throws IOException {
    byte[] before =
        (Manifest.HEADER + "\n" + line("pool/b") + line("pool/a")).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> patch(before))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("out of order");
  }

  @Test
  void anotherVersionOrACutLineIsRefused() {
    byte[] version2 = ("repomirror-manifest 2\n" + line("a")).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> patch(version2)).isInstanceOf(FormatException.class);
    String whole = Manifest.HEADER + "\n" + line("a");
    byte[] cut = whole.substring(0, whole.length() - 1).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> patch(cut))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("without its end");
  }

  private static void patch(byte[] before) throws IOException {
    try (Manifest.Writer out = new Manifest.Writer(new ByteArrayOutputStream())) {
      ManifestPatch.apply(
          new ByteArrayInputStream(before), Map.of("pool/c", Optional.empty()), out);
    }
  }

  private static String line(String path) {
    return "f\t1\t2\t" + "0".repeat(64) + "\t" + path + "\n";
  }

  private static TreeEntry entry(String path, int version) {
    String sha = Integer.toString(version).repeat(64);
    return path.hashCode() % 5 == 0
        ? new TreeEntry(path, TreeEntry.Type.SYMLINK, 3, 1_000L * version, 1, sha, "t%\tü")
        : TreeEntry.file(path, path.length() * version, 1_000L * version, sha);
  }

  private static byte[] whole(TreeMap<String, TreeEntry> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Manifest.Writer out = new Manifest.Writer(bytes)) {
      for (TreeEntry e : entries.values()) out.write(e);
    }
    return bytes.toByteArray();
  }
}
