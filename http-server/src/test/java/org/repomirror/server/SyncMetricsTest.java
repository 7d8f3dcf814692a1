package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Cli;
import org.repomirror.cli.SyncMetrics;
import org.repomirror.index.Index;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.ScriptedUpstream.Fault;

/**
 * serve's /metrics shows the last sync of each suite, read from the mirror's index by the server
 * (with the sync metrics serve adds to it), while the sync runs as a command of its own: a sync
 * that published, then one that could not.
 */
class SyncMetricsTest {
  private static final String SUITE = "{suite=\"dists/stable\"}";

  @TempDir Path tmp;

  @Test
  void metricsShowEachSuitesLastSyncItsFailuresAndTheMirrorsAge() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    Path keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    Path upstreamRoot = tmp.resolve("upstream");
    Path mirror = Files.createDirectories(tmp.resolve("mirror"));
    release(upstreamRoot, key, "1.0");
    try (RepoServer server =
            RepoServer.start(
                TestServers.config(mirror),
                AccessLog.OFF,
                new SyncMetrics(mirror, java.time.Clock.systemUTC()));
        ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
      String admin = "http://127.0.0.1:" + server.adminAddress().getPort() + "/metrics";
      assertThat(scrape(admin))
          .as("before any sync")
          .contains("repomirror_sync_index_readable 0")
          .doesNotContain("repomirror_sync_last_ok{");

      Cli.Run first = sync(upstream, mirror, keyring);
      assertThat(first.code()).as(first.out() + first.err()).isZero();
      String after = scrape(admin);
      assertThat(after)
          .contains("repomirror_sync_index_readable 1")
          .contains("repomirror_sync_last_ok" + SUITE + " 1")
          .contains("repomirror_sync_last_outcome{suite=\"dists/stable\",outcome=\"published\"} 1")
          .contains("repomirror_sync_last_failures" + SUITE + " 0")
          .contains("repomirror_sync_quarantined_files 0")
          .contains("repomirror_sync_pending_deletions 0")
          .contains("# TYPE repomirror_sync_release_age_seconds gauge");
      long success = value(after, "repomirror_sync_last_success_timestamp_seconds" + SUITE);
      assertThat(success).isPositive();
      assertThat(value(after, "repomirror_sync_last_attempt_timestamp_seconds" + SUITE))
          .isEqualTo(success);
      assertThat(value(after, "repomirror_sync_release_age_seconds" + SUITE))
          .as("the test Release was dated just now")
          .isBetween(0L, 600L);
      JsonNode reported = lastReport(mirror).get("suites").get(0);
      assertThat(value(after, "repomirror_sync_last_files_fetched" + SUITE))
          .as("what the sync's own report says it fetched")
          .isEqualTo(reported.get("fetched").asLong())
          .isGreaterThan(2);
      assertThat(value(after, "repomirror_sync_last_bytes_fetched" + SUITE))
          .isEqualTo(reported.get("bytesFetched").asLong())
          .isPositive();

      // A new release whose package arrives corrupt every time: quarantined, not published.
      Thread.sleep(1100); // a later second for the attempt's timestamp
      release(upstreamRoot, key, "2.0");
      upstream.fail("pool/main/h/hello/hello_2.0_amd64.deb", Fault.CORRUPT, 100);
      Path textfile = tmp.resolve("repomirror.prom");
      Cli.Run second = sync(upstream, mirror, keyring, "--metrics-file", textfile.toString());
      assertThat(second.code()).as(second.out() + second.err()).isNotZero();
      assertThat(Files.readString(textfile))
          .as("the node_exporter text file, written by the sync itself")
          .contains("repomirror_sync_last_ok" + SUITE + " 0")
          .contains("repomirror_sync_quarantined_files 1")
          .doesNotContain("repomirror_http_");
      try (Stream<Path> left = Files.list(tmp)) {
        assertThat(left.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
      }
      // Scraped while a sync would hold the index for writing: the server reads it beside.
      String failed;
      try (Index held = Index.open(mirror.resolve(".repomirror/index"))) {
        failed = scrape(admin);
      }
      assertThat(failed)
          .contains("repomirror_sync_index_readable 1")
          .contains("repomirror_sync_last_ok" + SUITE + " 0")
          .contains(
              "repomirror_sync_last_outcome{suite=\"dists/stable\",outcome=\"not-published\"} 1")
          .contains("repomirror_sync_last_failures" + SUITE + " 1")
          .contains("repomirror_sync_quarantined_files 1");
      assertThat(value(failed, "repomirror_sync_last_success_timestamp_seconds" + SUITE))
          .as("the last success is still the first sync's")
          .isEqualTo(success);
      assertThat(value(failed, "repomirror_sync_last_attempt_timestamp_seconds" + SUITE))
          .isGreaterThan(success);
    }
  }

  /** The newest JSON report the sync left in the mirror. */
  private static JsonNode lastReport(Path mirror) throws Exception {
    try (Stream<Path> reports = Files.list(mirror.resolve(".repomirror/reports"))) {
      Path newest = reports.max(Comparator.naturalOrder()).orElseThrow();
      return new ObjectMapper().readTree(newest.toFile());
    }
  }

  private static void release(Path root, SigningKey key, String version) throws Exception {
    SampleRepository.modern(root, "stable")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .add("hello", version, "amd64", "main", 3000)
        .add("tzdata", version, "all", "main", 1000)
        .write();
  }

  private static Cli.Run sync(
      ScriptedUpstream upstream, Path mirror, Path keyring, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "sync",
                "--root",
                mirror.toString(),
                "--upstream",
                upstream.uri().toString(),
                "--dist",
                "dists/stable",
                "--keyring",
                keyring.toString()));
    args.addAll(List.of(more));
    return Cli.run(args);
  }

  private static String scrape(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The value of one sample line, as a whole number. */
  private static long value(String metrics, String sample) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(sample) + " ([0-9.eE+-]+)$").matcher(metrics);
    assertThat(m.find()).as(sample + " in\n" + metrics).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
