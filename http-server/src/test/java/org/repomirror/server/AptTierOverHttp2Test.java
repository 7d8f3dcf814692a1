package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.TreeSnapshot;

/**
 * An apt mirror of an apt mirror: B syncs the signed suite from A's server, its Release files and
 * indexes verified as from any upstream, and every request after the first as a stream of one
 * HTTP/2 connection, which A's access log and B's report both count.
 */
class AptTierOverHttp2Test {
  @TempDir Path tmp;

  @Test
  void aSecondTierSyncsTheSuiteOverHttp2() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path archive = tmp.resolve("archive");
    SampleRepository repo =
        SampleRepository.modern(archive, "fremantle")
            .components("free", "non-free")
            .architectures("armel", "i386")
            .signedBy(key);
    for (int i = 0; i < 40; i++) {
      repo.add(
          "pkg" + i, "1." + i + "+maemo~1", i % 2 == 0 ? "armel" : "i386", "free", 500 + 97 * i);
    }
    repo.write();
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Path a = tmp.resolve("a");
    try (ScriptedUpstream up = new ScriptedUpstream(archive)) {
      Cli.Run first =
          Cli.run(
              "sync",
              "--upstream",
              up.uri().toString(),
              "--root",
              a.toString(),
              "--dist",
              "dists/fremantle",
              "--keyring",
              keyring.toString());
      assertThat(first.code()).as(first.all()).isZero();
    }

    RecordingAccessLog log = new RecordingAccessLog();
    try (RepoServer server = TestServers.start(a, log)) {
      Path b = tmp.resolve("b");
      Path report = tmp.resolve("b.json");
      Cli.Run second =
          Cli.run(
              "sync",
              "--upstream",
              "http://127.0.0.1:" + server.address().getPort() + "/",
              "--root",
              b.toString(),
              "--dist",
              "dists/fremantle",
              "--keyring",
              keyring.toString(),
              "--report",
              report.toString());
      assertThat(second.code()).as(second.all()).isZero();
      assertThat(served(b)).as("the suite, byte for byte").isEqualTo(served(a));
      assertThat(served(b).keySet()).filteredOn(p -> p.startsWith("pool/")).hasSize(40);

      long overHttp2 = log.overHttp2();
      assertThat(overHttp2).as("requests A answered over HTTP/2").isGreaterThanOrEqualTo(40);
      JsonNode json = new ObjectMapper().readTree(report.toFile());
      assertThat(json.path("outcome").asText()).isEqualTo("ok");
      JsonNode h2 = http2Transport(json);
      assertThat(h2.path("connections").asInt()).isEqualTo(1);
      assertThat(h2.path("requests").asLong()).isEqualTo(overHttp2);
      assertThat(json.path("warnings")).as("no fallback, no other warning").isEmpty();
    }
  }

  /** The HTTP/2 entry of a report's {@code transport}; there must be one. */
  static JsonNode http2Transport(JsonNode report) {
    for (JsonNode t : report.path("transport")) {
      if (t.path("protocol").asText().equals("HTTP/2")) return t;
    }
    throw new AssertionError("no HTTP/2 in the report's transport: " + report.path("transport"));
  }

  /** The dists and pool of a mirror, each file's path and SHA-256. */
  private static Map<String, String> served(Path root) throws Exception {
    Map<String, String> files = new TreeMap<>();
    TreeSnapshot.of(root, 1)
        .forEach(
            (path, value) -> {
              if (path.startsWith("dists/") || path.startsWith("pool/")) files.put(path, value);
            });
    return files;
  }
}
