package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.Nginx;
import org.repomirror.testing.RealisticArchive;
import org.repomirror.testing.Reliability;
import org.repomirror.testing.RsyncDaemon;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.testing.TreeSnapshot;

/**
 * Every command against an archive laid out as real ones are ({@link RealisticArchive}): suites
 * sharing a pool, listed-but-absent variants, a self-listing legacy Release, dangling, looping and
 * escaping links, a file the server may not read and a folder of 50,000 entries; served by nginx,
 * by the scriptable upstream, and read as a directory. Each run is checked for its exit code, for a
 * published tree that equals the upstream minus exactly what the report names, and for an empty
 * staging folder.
 */
class RealisticArchiveTest {
  private static final int MANY = 50_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static Path upstream;
  private static Path keyring;
  private static ScriptedUpstream scripted;
  private static Nginx nginx;
  private static RsyncDaemon rsyncd;

  @BeforeAll
  static void archive() throws Exception {
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    keyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
    upstream = Files.createDirectories(tmp.resolve("www/old-host"));
    RealisticArchive.write(upstream, key, 1, MANY);
    scripted = new ScriptedUpstream(upstream);
    scripted.fail(RealisticArchive.UNREADABLE, ScriptedUpstream.Fault.FORBIDDEN, 1_000_000);
    nginx = Nginx.serve(upstream, tmp);
    rsyncd = RsyncDaemon.serve(upstream, tmp);
  }

  @AfterAll
  static void stop() throws Exception {
    if (scripted != null) scripted.close();
    if (nginx != null) nginx.close();
    if (rsyncd != null) rsyncd.close();
  }

  @Test
  void throughNginx() throws Exception {
    everyCommand(nginx.uri(), "nginx", TreeSnapshot.served(upstream, true), () -> {});
  }

  @Test
  void throughTheScriptedUpstream() throws Exception {
    everyCommand(
        scripted.uri(), "scripted", TreeSnapshot.served(upstream, true), scripted::clearRequests);
    assertThat(scripted.requests())
        .as("a file two suites share is fetched once (the plan's probe aside)")
        .filteredOn(r -> r.path().equals(RealisticArchive.SHARED))
        .hasSize(1);
  }

  @Test
  void throughAnRsyncDaemon() throws Exception {
    // rsync lists links as links, as a directory walk does (dangling and looping ones too); the
    // daemon reads as nobody, so the file only root may read is refused and named.
    Map<String, String> view = TreeSnapshot.of(upstream, 1000);
    everyCommand(rsyncd.uri(), "rsyncd", view, () -> {});
  }

  @Test
  void fromADirectory() throws Exception {
    // Read as a directory, links stay links (dangling and looping ones too, as rsync -a keeps
    // them); root reads the file others may not.
    everyCommand(upstream.toUri(), "directory", TreeSnapshot.of(upstream, 1000), () -> {});
  }

  /**
   * @param afterPlan runs between the plan and the first sync
   */
  private void everyCommand(
      URI from, String name, Map<String, String> upstreamView, Runnable afterPlan)
      throws Exception {
    Path mirror = tmp.resolve("mirror-" + name);
    List<String> options =
        new ArrayList<>(List.of("--upstream", from.toString(), "--root", mirror.toString()));
    options.addAll(
        List.of("--mode", "tree", "--keyring", keyring.toString(), "--hostname", "new-host"));
    for (String d : RealisticArchive.DISTS) options.addAll(List.of("--dist", d));

    JsonNode plan = run(0, "plan", options, "--json");
    assertThat(children(mirror)).as("a plan publishes nothing").containsOnly(".repomirror");
    assertStagingEmpty(mirror);
    afterPlan.run();

    Path report = tmp.resolve(name + "-sync.json");
    run(0, "sync", options, "--report", report.toString());
    JsonNode first = JSON.readTree(report.toFile());
    assertPublishedIsUpstreamMinusNamed(mirror, upstreamView, first);
    assertStagingEmpty(mirror);
    assertSameCountsAsThePlan(plan, first);

    run(0, "sync", options, "--report", report.toString());
    JsonNode second = JSON.readTree(report.toFile());
    assertThat(second.path("filesFetched").asLong()).as("a second sync converged").isZero();
    assertPublishedIsUpstreamMinusNamed(mirror, upstreamView, second);

    run(0, "sync", options, "--final", "--report", report.toString());
    JsonNode last = JSON.readTree(report.toFile());
    assertThat(last.path("finalSync").path("verdict").asText()).startsWith("identical to upstream");
    assertPublishedIsUpstreamMinusNamed(mirror, upstreamView, last);
    assertStagingEmpty(mirror);

    Cli.Run verify =
        Cli.run("verify", "--root", mirror.toString(), "--full", "--keyring", keyring.toString());
    assertThat(verify.code()).as(verify.all()).isZero();
    Cli.Run status = Cli.run("status", "--root", mirror.toString(), "--json");
    assertThat(status.code()).as(status.all()).isZero();
    JsonNode suites = JSON.readTree(status.out()).path("suites");
    assertThat(suites).hasSize(RealisticArchive.DISTS.size());
    for (JsonNode s : suites) {
      assertThat(s.path("files").asLong())
          .as("status counts %s as the sync did", s.path("dist").asText())
          .isEqualTo(suite(first, s.path("dist").asText()).path("files").asLong());
    }
    List<String> notMirrored = new ArrayList<>();
    first.path("tree").path("notMirrored").forEach(n -> notMirrored.add(n.path("path").asText()));
    Reliability.record(
        "realistic-" + name,
        String.format(
            "plan, sync, sync, sync --final, verify --full, status all exit 0; %d files published,"
                + " equal to the upstream minus what the report named (not mirrored: %s; %d"
                + " listed-but-absent indexes and by-hash objects)",
            TreeSnapshot.of(mirror, 1000).size(),
            String.join(", ", notMirrored),
            countListedAbsent(first)));
  }

  private static long countListedAbsent(JsonNode report) {
    long n = 0;
    for (JsonNode s : report.path("suites")) n += s.path("listedAbsent").size();
    return n;
  }

  /** Runs a command, checks its exit code, and returns its JSON output when it printed some. */
  private static JsonNode run(int exit, String command, List<String> options, String... more)
      throws IOException {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(options);
    args.addAll(List.of(more));
    Cli.Run r = Cli.run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.all()).isEqualTo(exit);
    return r.out().startsWith("{") ? JSON.readTree(r.out()) : null;
  }

  /** The mirror holds exactly the upstream's files, but for those the report names. */
  private static void assertPublishedIsUpstreamMinusNamed(
      Path mirror, Map<String, String> upstreamView, JsonNode report) throws IOException {
    Set<String> named = new TreeSet<>();
    report.path("tree").path("notMirrored").forEach(n -> named.add(n.path("path").asText()));
    report.path("failures").forEach(f -> named.add(f.path("path").asText()));
    report.path("suites").forEach(s -> s.path("listedAbsent").forEach(p -> named.add(p.asText())));
    Map<String, String> expected = new TreeMap<>(upstreamView);
    expected.keySet().removeAll(named);
    Map<String, String> published = TreeSnapshot.of(mirror, 1000);
    Set<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(published.keySet());
    Set<String> extra = new TreeSet<>(published.keySet());
    extra.removeAll(expected.keySet());
    assertThat(missing).as("upstream files neither mirrored nor named in the report").isEmpty();
    assertThat(extra).as("mirrored files the upstream does not serve").isEmpty();
    assertThat(published).isEqualTo(expected);
    assertThat(report.path("failures")).as("no file failed").isEmpty();
  }

  /** Plan, sync and status count each suite the same way: a shared pool file in each suite. */
  private static void assertSameCountsAsThePlan(JsonNode plan, JsonNode sync) {
    for (JsonNode item : plan.path("items")) {
      String name = item.path("name").asText();
      if (name.startsWith("tree")) continue;
      assertThat(item.path("files").asLong())
          .as("plan and sync count the files of %s alike", name)
          .isEqualTo(suite(sync, name).path("files").asLong());
    }
  }

  private static JsonNode suite(JsonNode report, String dist) {
    for (JsonNode s : report.path("suites")) {
      if (s.path("dist").asText().equals(dist)) return s;
    }
    throw new AssertionError("no suite " + dist + " in " + report);
  }

  private static void assertStagingEmpty(Path mirror) throws IOException {
    Path staging = mirror.resolve(".repomirror/staging");
    if (!Files.exists(staging)) return;
    try (Stream<Path> left = Files.walk(staging)) {
      assertThat(left.filter(p -> !p.equals(staging)).toList()).as("left in staging").isEmpty();
    }
  }

  private static List<String> children(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).toList();
    }
  }
}
