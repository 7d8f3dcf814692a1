package org.repomirror.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.repomirror.testing.Nginx;
import org.repomirror.testing.ScriptedUpstream;

/**
 * A directory's index page, which a tree crawl fetches once per folder: asked for gzipped, since a
 * host's web server (nginx as Debian configures it) then sends a tenth of the bytes, and read back
 * exactly as the plain page. A body in an encoding that was not asked for is an error, never a
 * page.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DirectoryPagesTest {
  @TempDir Path tmp;

  private Path tree() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("www"));
    for (int i = 0; i < 300; i++) {
      Path dir = Files.createDirectories(root.resolve("pool/main/p/package-" + (i % 3)));
      Files.writeString(dir.resolve("package-%d_1.0-%d_amd64 +~%%.deb".formatted(i, i)), "x" + i);
    }
    return root;
  }

  @Test
  void nginxSendsItsPagesGzippedAndTheyReadAsThePlainPages() throws Exception {
    Path root = tree();
    try (Nginx nginx = Nginx.serve(root, tmp.resolve("nginx"));
        HttpUpstream upstream = new HttpUpstream(nginx.uri(), Duration.ofSeconds(10), 2);
        HttpClient plain = HttpClient.newHttpClient()) {
      for (String page : List.of("", "pool/main/p/package-1/")) {
        Upstream.Body body = (Upstream.Body) upstream.fetch(page, null, 1 << 20);
        HttpResponse<byte[]> asPlain =
            plain.send(
                HttpRequest.newBuilder(nginx.uri().resolve("/" + page)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(asPlain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(body.bytes()).as("the page %s, decoded", page).isEqualTo(asPlain.body());
      }
      List<String> pages =
          nginx.accessLog().stream().filter(l -> l.split(" ")[0].endsWith("/")).toList();
      assertThat(pages).hasSize(4);
      assertThat(pages.stream().filter(l -> !l.split(" ")[4].equals("-")))
          .as("the pages nginx sent gzipped: the upstream's two, not the plain client's")
          .hasSize(2);
    }
  }

  @Test
  void aGzippedPageIsBoundedByItsDecodedSize() throws Exception {
    Path root = tree();
    try (Nginx nginx = Nginx.serve(root, tmp.resolve("nginx"));
        HttpUpstream upstream = new HttpUpstream(nginx.uri(), Duration.ofSeconds(10), 2)) {
      int decoded =
          ((Upstream.Body) upstream.fetch("pool/main/p/package-1/", null, 1 << 20)).bytes().length;
      assertThatThrownBy(() -> upstream.fetch("pool/main/p/package-1/", null, decoded - 1))
          .isInstanceOf(FetchException.class)
          .hasMessageContaining("larger than " + (decoded - 1) + " bytes");
    }
  }

  /** Content-Encoding br, never asked for; gzip over bytes that are plain HTML. */
  @ParameterizedTest
  @CsvSource({"UNASKED_ENCODING, 'br'", "NOT_GZIP, does not decode"})
  void aPageInAnEncodingNotAskedForOrNotDecodingIsAnErrorNotAPage(
      ScriptedUpstream.Fault fault, String why) throws Exception {
    Path root = tree();
    try (ScriptedUpstream scripted = new ScriptedUpstream(root);
        HttpUpstream upstream = new HttpUpstream(scripted.uri(), Duration.ofSeconds(10), 2)) {
      scripted.fail("pool/", fault, 1);
      assertThatThrownBy(() -> upstream.fetch("pool/", null, 1 << 20))
          .isInstanceOf(FetchException.class)
          .hasMessageContaining(why)
          .extracting(e -> ((FetchException) e).kind())
          .isEqualTo(FetchException.Kind.FATAL);
      assertThat(scripted.requests().getLast().header("Accept-Encoding"))
          .as("what the page was asked for in")
          .isEqualTo("gzip");
      Upstream.Body again = (Upstream.Body) upstream.fetch("pool/", null, 1 << 20);
      assertThat(new String(again.bytes(), StandardCharsets.UTF_8))
          .as("the next answer, plain again, on the same upstream")
          .contains("main/");
    }
  }

  @Test
  void aFileIsAskedForAsItIsStored() throws Exception {
    Path root = tree();
    Files.writeString(root.resolve("Release"), "Origin: test\n");
    try (ScriptedUpstream scripted = new ScriptedUpstream(root);
        HttpUpstream upstream = new HttpUpstream(scripted.uri(), Duration.ofSeconds(10), 2)) {
      Upstream.Body body = (Upstream.Body) upstream.fetch("Release", null, 1 << 20);
      assertThat(body.bytes()).isEqualTo("Origin: test\n".getBytes(StandardCharsets.UTF_8));
      assertThat(scripted.requests().getLast().header("Accept-Encoding")).isNull();
    }
  }
}
