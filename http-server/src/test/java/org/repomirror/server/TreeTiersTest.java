package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.TreeSnapshot;

/**
 * Tiers of mirrors: an old host's directory → mirror A in tree mode (its dists verified against the
 * signatures) → A served by the real server → mirror B from A's manifest; and a tree crawled from
 * directory index pages. Everything through the command line, on loopback.
 */
class TreeTiersTest {
  private static SigningKey key;

  @TempDir Path tmp;

  @BeforeAll
  static void key() {
    key = SigningKey.generateRsa("archive <a@example.org>");
  }

  /** An apt suite plus what the indexes do not reference, with awkward names. */
  private Path oldHost(boolean links) throws IOException {
    Path old = tmp.resolve("old-host");
    SampleRepository.modern(old, "fremantle")
        .components("free")
        .architectures("armel")
        .signedBy(key)
        .add("hildon-home", "1.0+maemo~5", "armel", "free", 5000)
        .write();
    write(old, "index.html", "<html>repository</html>", 1_300_000_000_123L);
    write(old, "releases/notes on 5.0+r1~b.html", "notes", 1_260_000_000_456L);
    write(old, "sdk/sdk_100%_ready.tar.gz", "x".repeat(200_000), 1_250_000_000_789L);
    write(old, "dists/gone/Release", "Suite: gone\n", 1_200_000_000_000L); // no live Release
    if (links) {
      Files.createSymbolicLink(old.resolve("sdk/latest"), Path.of("sdk_100%_ready.tar.gz"));
    }
    return old;
  }

  /** Mirror A's sync from the old host's folder, in tree mode with the suite verified. */
  private static Cli.Run fromOldHost(Path old, Path a, Path keyring) {
    return Cli.run(
        "sync",
        "--mode",
        "tree",
        "--upstream",
        old.toUri().toString(),
        "--root",
        a.toString(),
        "--dist",
        "dists/fremantle",
        "--keyring",
        keyring.toString(),
        "--hostname",
        "a-host");
  }

  /** A tree sync from a peer's URL into a root, with more options. */
  private static Cli.Run fromPeer(String url, Path root, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("sync", "--mode", "tree", "--upstream", url, "--root", root.toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private static void write(Path root, String path, String content, long mtime) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
  }

  @Test
  void aDirectoryThenAPeerThroughItsManifest() throws Exception {
    Path old = oldHost(true);
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Cli.Run first = fromOldHost(old, a, keyring);
    assertThat(first.code()).as(first.all()).isZero();
    assertThat(first.out()).contains("dists/fremantle").contains("published").contains("tree");
    assertThat(TreeSnapshot.of(a, 1)).isEqualTo(TreeSnapshot.of(old, 1)).containsKey("sdk/latest");
    assertThat(a.resolve("project/trace/a-host")).exists();

    RecordingAccessLog log = new RecordingAccessLog();
    try (RepoServer server = TestServers.start(a, log)) {
      String url = "http://127.0.0.1:" + server.address().getPort() + "/";
      String[] fromA = {
        "sync", "--mode", "tree", "--upstream", url, "--root", b.toString(), "--hostname", "b-host"
      };
      Cli.Run peer = Cli.run(fromA);
      assertThat(peer.code()).as(peer.all()).isZero();
      assertThat(peer.out()).contains("tree (manifest)").contains("verified by manifest-sha256");
      assertThat(TreeSnapshot.of(b, 1))
          .as("byte for byte, links and millisecond mtimes included")
          .isEqualTo(TreeSnapshot.of(a, 1));
      assertThat(TreeSnapshot.of(b, 1)).containsKey("sdk/latest");

      log.clear();
      Cli.Run again = Cli.run(fromA);
      assertThat(again.code()).as(again.all()).isZero();
      assertThat(again.out()).contains("unchanged");
      assertThat(log.targets())
          .as("an unchanged manifest costs one conditional request")
          .containsExactly("/project/repomirror/manifest.gz");
      assertThat(log.entries().getFirst().status()).isEqualTo(304);

      // A change upstream travels down both tiers.
      write(old, "releases/new.html", "new", 1_400_000_000_000L);
      Cli.Run followed = fromOldHost(old, a, keyring);
      assertThat(followed.code()).as(followed.all()).isZero();
      Cli.Run changed = Cli.run(fromA);
      assertThat(changed.code()).as(changed.all()).isZero();
      assertThat(b.resolve("releases/new.html")).hasContent("new");
      assertThat(TreeSnapshot.of(b, 1)).isEqualTo(TreeSnapshot.of(old, 1));
    }
  }

  /**
   * A repomirror's sync from another repomirror: its first answer says who serves it, and the rest
   * go as streams of one HTTP/2 connection (h2c), which the report counts and the server's access
   * log confirms; with {@code --http2 off}, HTTP/1.1 throughout.
   */
  @Test
  void aPeerOverHttp2CountsItsStreams() throws Exception {
    Path old = oldHost(false);
    for (int i = 0; i < 300; i++) {
      write(
          old,
          "extras/f" + (i % 10) + "/file-" + i + ".txt",
          "x".repeat(i * 17),
          1_300_000_000_000L);
    }
    Path a = tmp.resolve("a");
    Cli.Run first = fromOldHost(old, a, key.writePublicKeyring(tmp.resolve("archive.gpg")));
    assertThat(first.code()).as(first.all()).isZero();

    RecordingAccessLog log = new RecordingAccessLog();
    try (RepoServer server = TestServers.start(a, log)) {
      String url = "http://127.0.0.1:" + server.address().getPort() + "/";
      Path b = tmp.resolve("b");
      Path report = tmp.resolve("b.json");
      Cli.Run peer = fromPeer(url, b, "--report", report.toString());
      assertThat(peer.code()).as(peer.all()).isZero();
      assertThat(TreeSnapshot.of(b, 1)).isEqualTo(TreeSnapshot.of(a, 1));
      long overHttp2 = log.overHttp2();
      assertThat(overHttp2).as("requests the server answered over HTTP/2").isGreaterThan(300);
      JsonNode h2 =
          AptTierOverHttp2Test.http2Transport(new ObjectMapper().readTree(report.toFile()));
      assertThat(h2.path("connections").asInt()).isEqualTo(1);
      assertThat(h2.path("requests").asLong()).as("streams").isEqualTo(overHttp2);
      assertThat(h2.path("mostAtOnce").asInt()).as("streams at once").isGreaterThan(1);
      assertThat(peer.out()).contains("over HTTP/2: 1 connection, " + overHttp2 + " streams");

      log.clear();
      Path c = tmp.resolve("c");
      Cli.Run plain = fromPeer(url, c, "--http2", "off");
      assertThat(plain.code()).as(plain.all()).isZero();
      assertThat(TreeSnapshot.of(c, 1)).isEqualTo(TreeSnapshot.of(a, 1));
      assertThat(log.entries()).isNotEmpty().noneMatch(e -> e.requestLine().endsWith("HTTP/2.0"));
      assertThat(plain.out()).contains("over HTTP/1.1").doesNotContain("over HTTP/2");
    }
  }

  @Test
  void aTreeCrawledFromDirectoryIndexPages() throws Exception {
    Path old = oldHost(false);
    Path c = tmp.resolve("c");
    try (RepoServer server = TestServers.start(old, AccessLog.OFF)) {
      String url = "http://127.0.0.1:" + server.address().getPort() + "/";
      String[] crawl = {
        "sync",
        "--mode",
        "tree",
        "--tree-source",
        "autoindex",
        "--upstream",
        url,
        "--root",
        c.toString(),
        "--hostname",
        "c-host"
      };
      Cli.Run first = Cli.run(crawl);
      assertThat(first.code()).as(first.all()).isZero();
      assertThat(first.out()).contains("tree (autoindex)").contains("verified by size-mtime");
      // HTTP dates carry whole seconds.
      assertThat(TreeSnapshot.of(c, 1000)).isEqualTo(TreeSnapshot.of(old, 1000));
      Cli.Run again = Cli.run(crawl);
      assertThat(again.code()).as(again.all()).isZero();
      assertThat(again.out()).containsPattern("listed \\d+, fetched 0,");
    }
  }

  @Test
  void aPageThatCannotBeParsedFailsTheListingAndDeletesNothing() throws Exception {
    Map<String, String> pages = new ConcurrentHashMap<>();
    pages.put(
        "/",
        "<h1>Index of /</h1><a href=\"a/\">a/</a> 2024-01-01 00:00 -\n"
            + "<a href=\"b.txt\">b.txt</a> 2024-01-01 00:00 3\n");
    pages.put("/a/", "<h1>Index of /a/</h1><a href=\"c.txt\">c.txt</a> 2024-01-01 00:00 1\n");
    pages.put("/b.txt", "bbb");
    pages.put("/a/c.txt", "c");
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        ex -> {
          String body = pages.get(ex.getRequestURI().getPath());
          byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Last-Modified", "Mon, 01 Jan 2024 00:00:30 GMT");
          ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : bytes.length);
          if (body != null) ex.getResponseBody().write(bytes);
          ex.close();
        });
    http.start();
    try {
      Path d = tmp.resolve("d");
      String[] crawl = {
        "sync",
        "--mode",
        "tree",
        "--tree-source",
        "autoindex",
        "--upstream",
        "http://127.0.0.1:" + http.getAddress().getPort() + "/",
        "--root",
        d.toString(),
        "--delete-grace",
        "0s"
      };
      Cli.Run first = Cli.run(crawl);
      assertThat(first.code()).as(first.all()).isZero();
      assertThat(d.resolve("a/c.txt")).hasContent("c");

      pages.put("/a/", "<html>502 Bad Gateway</html>");
      Cli.Run broken = Cli.run(crawl);
      assertThat(broken.code()).as(broken.all()).isEqualTo(1);
      assertThat(broken.out())
          .contains("listing-failed")
          .contains("/a/: cannot read the directory index: not a directory index page");
      assertThat(d.resolve("a/c.txt")).as("nothing deleted on a partial listing").exists();
      assertThat(d.resolve("b.txt")).exists();
    } finally {
      http.stop(0);
    }
  }

  /**
   * A peer whose manifest breaks off halfway, over a real socket: the manifest is read while it
   * arrives, so its first half was already handed on. The listing fails, and the mirror stays as it
   * was, byte for byte, its own manifest and trace included: nothing deleted, nothing published.
   */
  @Test
  void aManifestThatBreaksOffFailsTheListingAndChangesNothing() throws Exception {
    Path old = oldHost(false);
    for (int i = 0; i < 2000; i++) {
      write(old, "extras/f" + (i % 20) + "/file-" + i + ".txt", "x" + i, 1_300_000_000_000L);
    }
    Path a = tmp.resolve("a");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Cli.Run first = fromOldHost(old, a, keyring);
    assertThat(first.code()).as(first.all()).isZero();
    java.util.concurrent.atomic.AtomicBoolean breakOff =
        new java.util.concurrent.atomic.AtomicBoolean();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        ex -> {
          Path file = a.resolve(ex.getRequestURI().getPath().substring(1));
          if (!Files.isRegularFile(file)) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
          }
          byte[] bytes = Files.readAllBytes(file);
          ex.sendResponseHeaders(200, bytes.length);
          boolean cut = breakOff.get() && file.endsWith("manifest.gz");
          ex.getResponseBody().write(bytes, 0, cut ? bytes.length / 2 : bytes.length);
          ex.close(); // short of its Content-Length: the connection closes
        });
    http.start();
    try {
      String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/";
      Path b = tmp.resolve("b");
      Cli.Run whole = fromPeer(url, b, "--delete-grace", "0s", "--hostname", "b-host");
      assertThat(whole.code()).as(whole.all()).isZero();
      assertThat(whole.out()).contains("tree (manifest)");
      assertThat(TreeSnapshot.of(b, 1)).isEqualTo(TreeSnapshot.of(a, 1));

      // Upstream a file changes; then the manifest that says so breaks off. Taken for the whole
      // listing, its half would delete every file of the other half.
      write(old, "extras/f4/file-1984.txt", "changed", 1_400_000_000_000L);
      Cli.Run followed = fromOldHost(old, a, keyring);
      assertThat(followed.code()).as(followed.all()).isZero();
      Map<String, String> before = TreeSnapshot.of(b, 1);
      byte[] manifest = Files.readAllBytes(b.resolve("project/repomirror/manifest.gz"));
      byte[] trace = Files.readAllBytes(b.resolve("project/trace/b-host"));
      breakOff.set(true);
      Cli.Run broken = fromPeer(url, b, "--delete-grace", "0s", "--hostname", "b-host");
      assertThat(broken.code()).as(broken.all()).isEqualTo(1);
      assertThat(broken.out())
          .contains("listing-failed")
          .contains(url + "project/repomirror/manifest.gz");
      assertThat(TreeSnapshot.of(b, 1)).as("nothing deleted or changed").isEqualTo(before);
      assertThat(b.resolve("project/repomirror/manifest.gz")).hasBinaryContent(manifest);
      assertThat(b.resolve("project/trace/b-host")).hasBinaryContent(trace);

      breakOff.set(false);
      Cli.Run mended = fromPeer(url, b, "--delete-grace", "0s", "--hostname", "b-host");
      assertThat(mended.code()).as(mended.all()).isZero();
      assertThat(TreeSnapshot.of(b, 1)).isEqualTo(TreeSnapshot.of(a, 1));
    } finally {
      http.stop(0);
    }
  }

  @Test
  void treeModeOptionsAreChecked() {
    Cli.Run noDist = Cli.run("sync", "--upstream", "http://127.0.0.1:1/", "--root", tmp.toString());
    assertThat(noDist.code()).isEqualTo(2);
    assertThat(noDist.err()).contains("or --mode tree");
    Cli.Run fileApt =
        Cli.run("sync", "--upstream", "file:///srv", "--root", tmp.toString(), "--dist", "dists/x");
    assertThat(fileApt.code()).isEqualTo(2);
    assertThat(fileApt.err()).contains("file:// only with --mode tree");
    Cli.Run badSource =
        Cli.run(
            "sync",
            "--mode",
            "tree",
            "--tree-source",
            "ftp",
            "--upstream",
            "http://127.0.0.1:1/",
            "--root",
            tmp.toString());
    assertThat(badSource.code()).isEqualTo(2);
    assertThat(badSource.err()).contains("tree-source");
    Cli.Run checksumOverHttp =
        Cli.run(
            "sync",
            "--mode",
            "tree",
            "--checksum",
            "--upstream",
            "http://127.0.0.1:1/",
            "--root",
            tmp.toString());
    assertThat(checksumOverHttp.code()).isEqualTo(2);
    assertThat(checksumOverHttp.err()).contains("--checksum: needs --mode tree from a file://");
  }
}
