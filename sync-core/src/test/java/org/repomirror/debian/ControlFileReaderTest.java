package org.repomirror.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ControlFileReaderTest {

  @Test
  void readsStanzasWithContinuationsAndComments() throws Exception {
    String text =
        "# a comment\n\nPackage: hello\nVersion: 2.10-3\nDescription: greet\n the world\n .\n twice\n"
            + "\n\n\nPackage: libstdc++6\r\nfilename: pool/main/g/gcc/libstdc++6_12_amd64.deb\r\n";
    List<Stanza> stanzas = readAll(text, 1024);
    assertThat(stanzas).hasSize(2);
    assertThat(stanzas.get(0).get("description")).hasValue("greet\nthe world\n.\ntwice");
    assertThat(stanzas.get(0).firstLine()).isEqualTo(3);
    assertThat(stanzas.get(1).require("Filename"))
        .isEqualTo("pool/main/g/gcc/libstdc++6_12_amd64.deb");
    assertThat(stanzas.get(1).names()).containsExactly("Package", "filename");
  }

  @Test
  void malformedInputGivesALineNumber() {
    assertThatThrownBy(() -> readAll("Package: a\nno colon here\n", 1024))
        .isInstanceOf(FormatException.class)
        .hasMessage("line 2: expected 'Field: value', got 'no colon here'");
    assertThatThrownBy(() -> readAll(" continuation first\n", 1024))
        .hasMessageContaining("line 1: continuation line before any field");
    assertThatThrownBy(() -> readAll("A: 1\na: 2\n", 1024))
        .hasMessageContaining("duplicate field a");
    assertThatThrownBy(() -> readAll("A: 1\n\0\0\0binary\n", 1024)).hasMessageContaining("NUL");
    assertThatThrownBy(() -> readAll(": empty name\n", 1024)).isInstanceOf(FormatException.class);
  }

  @Test
  void capsLinesAndFields() {
    assertThatThrownBy(() -> readAll("A: " + "x".repeat(2000) + "\n", 1024))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("longer than 1024");
    String many = "A: start\n" + " more\n".repeat(400);
    assertThatThrownBy(() -> readAll(many, 1024)).hasMessageContaining("larger than 1024");
    // No newline at all: the cap still holds.
    assertThatThrownBy(() -> readAll("y".repeat(5000), 1024)).isInstanceOf(FormatException.class);
  }

  @Property(tries = 300)
  void roundTripsWrittenStanzas(@ForAll("stanzas") List<Map<String, String>> written)
      throws Exception {
    StringBuilder text = new StringBuilder();
    for (Map<String, String> s : written) {
      s.forEach((k, v) -> text.append(k).append(": ").append(v.replace("\n", "\n ")).append('\n'));
      text.append('\n');
    }
    List<Stanza> read = readAll(text.toString(), 1 << 20);
    assertThat(read).hasSize(written.size());
    for (int i = 0; i < read.size(); i++) {
      for (Map.Entry<String, String> e : written.get(i).entrySet()) {
        assertThat(read.get(i).get(e.getKey())).hasValue(e.getValue());
      }
    }
  }

  @Property(tries = 1000)
  void arbitraryBytesGiveStanzasOrAFormatException(@ForAll("junk") byte[] junk) {
    try {
      readAll(new String(junk, StandardCharsets.ISO_8859_1), 256);
    } catch (FormatException e) {
      assertThat(e.getMessage()).isNotBlank();
    } catch (IOException e) {
      throw new AssertionError("only FormatException is allowed", e);
    }
  }

  @Provide
  Arbitrary<List<Map<String, String>>> stanzas() {
    Arbitrary<String> names =
        Arbitraries.strings()
            .withCharRange('A', 'Z')
            .withChars('-')
            .ofMinLength(1)
            .ofMaxLength(10)
            .filter(n -> !n.startsWith("-"));
    Arbitrary<String> lines =
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> values =
        lines.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("\n", l));
    return Arbitraries.maps(names, values)
        .ofMinSize(1)
        .ofMaxSize(6)
        .map(
            m -> {
              Map<String, String> unique = new LinkedHashMap<>();
              m.forEach(
                  (k, v) -> {
                    if (unique.keySet().stream().noneMatch(x -> x.equalsIgnoreCase(k)))
                      unique.put(k, v);
                  });
              return unique;
            })
        .list()
        .ofMaxSize(5);
  }

  @Provide
  Arbitrary<byte[]> junk() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
  }

  static List<Stanza> readAll(String text, int maxField) throws IOException {
    ControlFileReader r =
        new ControlFileReader(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxField);
    List<Stanza> out = new ArrayList<>();
    for (Optional<Stanza> s = r.next(); s.isPresent(); s = r.next()) {
      out.add(s.get());
    }
    return out;
  }
}
