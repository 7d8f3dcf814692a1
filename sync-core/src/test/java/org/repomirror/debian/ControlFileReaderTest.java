package org.repomirror.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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

  @Test
  void linesSplitAcrossReadsReadTheSame() throws Exception {
    String text =
        "Package: hello\r\nVersion: 2.10-3\nDescription: greet\n the world\n\n"
            + "Package: "
            + "x".repeat(300)
            + "\nLast: no newline at the end";
    List<Stanza> whole = readAll(text, 1024);
    for (int chunk : new int[] {1, 2, 7, 64}) {
      ControlFileReader r = new ControlFileReader(trickle(text, chunk), 1024);
      List<Stanza> split = new ArrayList<>();
      for (Optional<Stanza> s = r.next(); s.isPresent(); s = r.next()) split.add(s.get());
      assertThat(split).as("read %d bytes at a time", chunk).hasSize(2);
      for (int i = 0; i < 2; i++) {
        for (String name : whole.get(i).names()) {
          assertThat(split.get(i).get(name)).as(name).isEqualTo(whole.get(i).get(name));
        }
      }
      assertThat(split.get(1).firstLine()).isEqualTo(6);
    }
    assertThat(whole.get(0).get("Package")).hasValue("hello");
    assertThat(whole.get(1).get("Last")).hasValue("no newline at the end");
    assertThat(whole.get(1).get("Package")).hasValue("x".repeat(300));
  }

  @Test
  void theCapsAreExact() throws Exception {
    // A line of exactly the cap is read; one byte more is not, whether or not it is split.
    String atCap = "A: " + "x".repeat(1021);
    assertThat(readAll(atCap + "\n", 1024).getFirst().get("A")).hasValue("x".repeat(1021));
    assertThatThrownBy(() -> readAll(atCap + "x\n", 1024))
        .hasMessage("line 1: line longer than 1024 bytes");
    assertThatThrownBy(() -> readAll(new ControlFileReader(trickle(atCap + "x\n", 5), 1024)))
        .hasMessage("line 1: line longer than 1024 bytes");
    // A field of exactly the cap is read; longer is not.
    String field = "A: " + "y".repeat(511) + "\n " + "z".repeat(512) + "\n";
    assertThat(readAll(field, 1024).getFirst().get("A")).isPresent();
    assertThatThrownBy(
            () -> readAll("A: " + "y".repeat(512) + "\n " + "z".repeat(512) + "\n", 1024))
        .hasMessage("line 2: field A larger than 1024 bytes");
    // A stanza of exactly four times the cap is read; longer is not.
    StringBuilder stanza = new StringBuilder();
    for (int i = 0; i < 4; i++)
      stanza.append("F").append(i).append(": ").append("v".repeat(1020)).append('\n');
    assertThat(readAll(stanza.toString(), 1024)).hasSize(1);
    assertThatThrownBy(() -> readAll(stanza + "G: v\n", 1024))
        .hasMessage("line 5: stanza larger than 4096 bytes");
  }

  @Test
  void fieldNamesArePrintableAsciiWithoutSpaces() throws Exception {
    assertThat(readAll("~!x: 1\n", 64).getFirst().get("~!x")).hasValue("1");
    assertThatThrownBy(() -> readAll("a b: 1\n", 64))
        .hasMessage("line 1: invalid field name 'a b'");
    assertThatThrownBy(() -> readAll("a\u007fb: 1\n", 64))
        .hasMessageContaining("invalid field name");
    assertThatThrownBy(() -> readAll("-a: 1\n", 64)).hasMessageContaining("invalid field name");
    assertThatThrownBy(() -> readAll("\u00e9: 1\n", 64)).hasMessageContaining("invalid field name");
  }

  @Test
  void longBadLinesAreAbbreviatedInTheMessage() {
    String sixty = "n".repeat(60);
    assertThatThrownBy(() -> readAll(sixty + "\n", 1024))
        .hasMessage("line 1: expected 'Field: value', got '" + sixty + "'");
    assertThatThrownBy(() -> readAll(sixty + "m\n", 1024))
        .hasMessage("line 1: expected 'Field: value', got '" + sixty + "...'");
  }

  @Test
  void closingTheReaderClosesTheStream() throws Exception {
    boolean[] closed = {false};
    InputStream in =
        new ByteArrayInputStream("A: 1\n".getBytes(StandardCharsets.UTF_8)) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    new ControlFileReader(in).close();
    assertThat(closed[0]).isTrue();
  }

  /** A stream that gives at most {@code chunk} bytes per read, as a socket may. */
  private static InputStream trickle(String text, int chunk) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  private static List<Stanza> readAll(ControlFileReader r) throws IOException {
    List<Stanza> out = new ArrayList<>();
    for (Optional<Stanza> s = r.next(); s.isPresent(); s = r.next()) out.add(s.get());
    return out;
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
