package org.repomirror.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

  @Test
  void plusStaysPlusWhetherRawOrEncoded() throws Exception {
    String name = "libstdc++6_1.0+dfsg~1_armel.deb";
    RequestPath raw = RequestPath.parse("/pool/main/libs/" + name);
    RequestPath encoded =
        RequestPath.parse("/pool/main/libs/libstdc%2b%2b6_1.0%2bdfsg%7e1_armel.deb");
    RequestPath upper =
        RequestPath.parse("/pool/main/libs/libstdc%2B%2B6_1.0%2Bdfsg%7E1_armel.deb");
    assertThat(raw.segments().getLast()).isEqualTo(name);
    assertThat(encoded).isEqualTo(raw);
    assertThat(upper).isEqualTo(raw);
  }

  @Test
  void decodesOnceOnly() throws Exception {
    assertThat(RequestPath.parse("/a%2525b").segments()).containsExactly("a%25b");
    assertThat(RequestPath.parse("/with%20space").segments()).containsExactly("with space");
  }

  @Test
  void stripsQueryAndFragment() throws Exception {
    assertThat(RequestPath.parse("/dists/x/Release?foo=bar#frag").relative())
        .isEqualTo("dists/x/Release");
  }

  @Test
  void acceptsAbsoluteForm() throws Exception {
    assertThat(RequestPath.parse("http://mirror.example:8080/dists/x/InRelease").relative())
        .isEqualTo("dists/x/InRelease");
    assertThat(RequestPath.parse("HTTP://host").segments()).isEmpty();
    assertThat(RequestPath.parse("http://host?x").segments()).isEmpty();
  }

  @Test
  void normalisesDotSegmentsInsideTheRoot() throws Exception {
    assertThat(RequestPath.parse("/a/./b/../c").relative()).isEqualTo("a/c");
    assertThat(RequestPath.parse("//a///b").relative()).isEqualTo("a/b");
    assertThat(RequestPath.parse("/a/b/..").trailingSlash()).isTrue();
    assertThat(RequestPath.parse("/").segments()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/..",
        "/../etc/passwd",
        "/a/../../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/a%2f..%2f..%2fetc",
        "/a%2Fb",
        "/a%00b",
        "/a\u0001b",
        "/a%0d%0aSet-Cookie:x",
        "/a%7fb",
        "/a\\..\\b",
        "/a%5c..%5cb",
        "/%c0%af",
        "/%c0%ae%c0%ae/etc",
        "/%e0%80%af",
        "/%ff",
        "/a%",
        "/a%4",
        "/a%zz",
        "relative/path",
        "*",
      })
  void rejectsMalformedAndEscapingPathsWith400(String target) {
    RequestRejected e =
        catchThrowableOfType(RequestRejected.class, () -> RequestPath.parse(target));
    assertThat(e).as(target).isNotNull();
    assertThat(e.status()).as(target).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/.repomirror/index", "/.hidden", "/pool/.git/config", "/a/%2erepomirror/x"})
  void hidesDotSegmentsWith404(String target) {
    RequestRejected e =
        catchThrowableOfType(RequestRejected.class, () -> RequestPath.parse(target));
    assertThat(e).as(target).isNotNull();
    assertThat(e.status()).isEqualTo(404);
  }

  @Test
  void dotDotCannotReachTheStateFolder() {
    assertThatThrownBy(() -> RequestPath.parse("/pool/../.repomirror/db"))
        .isInstanceOf(RequestRejected.class);
  }

  @Test
  void rawUtf8BytesAreDecodedLikeEscapes() throws Exception {
    // Netty hands over the request line as ISO-8859-1 characters, one per byte.
    String latin1OfUtf8 =
        new String(
            "é".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(RequestPath.parse("/caf" + latin1OfUtf8).segments()).containsExactly("café");
    assertThat(RequestPath.parse("/caf%C3%A9").segments()).containsExactly("café");
  }

  @Property(tries = 500)
  void encodedSegmentsRoundTrip(@ForAll("segments") List<String> segments) throws Exception {
    StringBuilder target = new StringBuilder();
    for (String s : segments) {
      target.append('/').append(DirectoryListing.encodeSegment(s));
    }
    String path = segments.isEmpty() ? "/" : target.toString();
    assertThat(RequestPath.parse(path).segments()).isEqualTo(segments);
  }

  @Property(tries = 2000)
  void arbitraryTargetsNeverEscapeOrThrowAnythingElse(@ForAll("targets") String target) {
    try {
      RequestPath p = RequestPath.parse(target);
      for (String s : p.segments()) {
        assertThat(s).isNotEmpty().doesNotStartWith(".").doesNotContain("/", "\\", "\0");
      }
    } catch (RequestRejected e) {
      assertThat(e.status()).isIn(400, 404);
    }
  }

  @Provide
  Arbitrary<List<String>> segments() {
    return Arbitraries.strings()
        .withChars("abcxyz019+-_~.:% é&#?\"<>")
        .ofMinLength(1)
        .ofMaxLength(12)
        .filter(s -> !s.startsWith("."))
        .list()
        .ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> targets() {
    Arbitrary<String> pieces =
        Arbitraries.of(
            "/",
            "..",
            ".",
            "%2e",
            "%2E",
            "%2f",
            "%00",
            "%c0%ae",
            "a",
            "+",
            "%2b",
            "\\",
            "%",
            "%5c",
            "?",
            "#",
            "http://h",
            "é",
            "~",
            ".x",
            "%25");
    return pieces.list().ofMaxSize(12).map(l -> "/" + String.join("", l));
  }
}
