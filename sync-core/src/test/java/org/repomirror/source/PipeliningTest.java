package org.repomirror.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.run.Ticker;
import org.repomirror.sample.SampleRepository;
import org.repomirror.testing.FaultyPipelining;
import org.repomirror.testing.Nginx;
import org.repomirror.testing.ScriptedUpstream;
import org.repomirror.transfer.FetchOutcome;
import org.repomirror.transfer.FetchTask;
import org.repomirror.transfer.Throttle;
import org.repomirror.transfer.Transfer;

/**
 * Downloads go several to a connection, as apt sends them, and every file is still verified,
 * whatever the upstream makes of the pipeline.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PipeliningTest {
  private static final int FILES = 300;

  @TempDir Path tmp;

  /** Small files of distinct sizes: an answer given to the wrong request shows in its size. */
  private static Map<String, byte[]> files() {
    Random random = new Random(7);
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < FILES; i++) {
      byte[] body = new byte[200 + 37 * i];
      random.nextBytes(body);
      files.put("pool/main/f/file-" + i + ".deb", body);
    }
    return files;
  }

  @Test
  void nginxGetsTheRequestsPipelinedAndClosingAfterSevenLosesNoFile() throws Exception {
    Map<String, byte[]> files = files();
    Path root = written(files);
    try (Nginx nginx = Nginx.serve(root, tmp.resolve("nginx"), "keepalive_requests 7;");
        HttpUpstream upstream = new HttpUpstream(nginx.uri(), Duration.ofSeconds(10), 2)) {
      List<FetchOutcome> outcomes = transfer(upstream).fetchAll(tasks(files), o -> {});

      assertEveryFileVerified(files, outcomes);
      List<String> log = nginx.accessLog();
      assertThat(log.stream().filter(l -> l.split(" ")[2].equals("p")).count())
          .as("requests nginx saw arrive behind another on their connection")
          .isGreaterThan(FILES / 20);
      assertThat(log)
          .as("nginx closes each connection after its 7th request")
          .allSatisfy(l -> assertThat(Integer.parseInt(l.split(" ")[3])).isLessThanOrEqualTo(7));
      assertThat(upstream.warnings())
          .as("a connection closed after saying so is no fault of the pipelining")
          .isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(FaultyPipelining.Fault.class)
  void anUpstreamThatBreaksPipeliningLosesNoFileAndIsReported(FaultyPipelining.Fault fault)
      throws Exception {
    Map<String, byte[]> files = files();
    try (FaultyPipelining server = new FaultyPipelining(files, fault);
        HttpUpstream upstream = new HttpUpstream(server.uri(), Duration.ofSeconds(10), 2)) {
      List<FetchOutcome> outcomes = transfer(upstream).fetchAll(tasks(files), o -> {});

      assertEveryFileVerified(files, outcomes);
      assertThat(tmp.resolve("quarantine"))
          .as("nothing was taken for a damaged file")
          .doesNotExist();
      assertThat(server.queuedBehindAnother())
          .as("requests that arrived while another was unanswered")
          .isPositive();
      List<String> warnings = upstream.warnings();
      if (fault == FaultyPipelining.Fault.NONE) {
        assertThat(warnings).isEmpty();
      } else {
        assertThat(server.faults()).as("the scripted fault happened").isPositive();
        assertThat(warnings)
            .singleElement()
            .asString()
            .contains("pipelining turned off")
            .contains(server.uri().getHost());
      }
    }
  }

  /**
   * An upstream whose answers say it is a repomirror but that speaks no HTTP/2 (an older one, or
   * another server): the requests go as streams until its connection fails, then over HTTP/1.1
   * again, every file verified, and the report says why.
   */
  @Test
  void anUpstreamThatSaysItIsARepomirrorButSpeaksNoHttp2GetsHttp1Again() throws Exception {
    Map<String, byte[]> files = files();
    Path root = written(files);
    try (ScriptedUpstream server = new ScriptedUpstream(root);
        HttpUpstream upstream = new HttpUpstream(server.uri(), Duration.ofSeconds(10), 2)) {
      server.serverHeader("repomirror/0.0");
      List<FetchOutcome> outcomes = transfer(upstream).fetchAll(tasks(files), o -> {});

      assertEveryFileVerified(files, outcomes);
      assertThat(upstream.warnings())
          .singleElement()
          .asString()
          .contains("did not take HTTP/2")
          .contains("HTTP/1.1 from now on");
      assertThat(upstream.transportUse())
          .as("only HTTP/1.1 answered")
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.protocol()).isEqualTo("HTTP/1.1");
                assertThat(t.requests()).isGreaterThanOrEqualTo(FILES);
              });
      assertThat(server.requests())
          .as("every file asked for over HTTP/1.1 and answered")
          .filteredOn(r -> r.method().equals("GET"))
          .hasSizeGreaterThanOrEqualTo(FILES);
    }
  }

  /**
   * Small files cost their round trips: a transfer of many goes deeper than apt's 10 in flight on a
   * connection, up to the upstream's 32; files of 20 KiB and more keep 10.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"200, 2000, 32", "20000, 40000, 10"})
  void manySmallFilesGoDeeperThanApt(int smallest, int largest, int mostOnAConnection)
      throws Exception {
    Random random = new Random(11);
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      byte[] body = new byte[smallest + random.nextInt(largest - smallest)];
      random.nextBytes(body);
      files.put("pool/main/s/file-" + i + ".deb", body);
    }
    Path root = written(files);
    try (ScriptedUpstream server = new ScriptedUpstream(root);
        HttpUpstream upstream = new HttpUpstream(server.uri(), Duration.ofSeconds(10), 2)) {
      server.answerAfter(3);
      List<FetchOutcome> outcomes = transfer(upstream).fetchAll(tasks(files), o -> {});

      assertEveryFileVerified(files, outcomes);
      assertThat(upstream.transportUse())
          .singleElement()
          .satisfies(
              t ->
                  assertThat(t.mostAtOnce())
                      .as("requests in flight on one connection at most")
                      .isEqualTo(mostOnAConnection));
    }
  }

  /** The files in a folder of their own, as an upstream serves them. */
  private Path written(Map<String, byte[]> files) throws IOException {
    Path root = tmp.resolve("root");
    for (var f : files.entrySet()) {
      Path p = root.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, f.getValue());
    }
    return root;
  }

  private Transfer transfer(Upstream upstream) throws Exception {
    return new Transfer(
        upstream,
        Files.createDirectories(tmp.resolve("staging")),
        tmp.resolve("quarantine"),
        new Transfer.Settings(
            2,
            4,
            Duration.ofMillis(20),
            Duration.ZERO,
            Throttle.NONE,
            Transfer.MismatchPolicy.STRICT),
        Clock.systemUTC(),
        Ticker.SYSTEM);
  }

  private static List<FetchTask> tasks(Map<String, byte[]> files) {
    List<FetchTask> tasks = new ArrayList<>();
    for (var f : files.entrySet()) {
      String sha = SampleRepository.hex("SHA-256", f.getValue());
      tasks.add(
          new FetchTask(
              f.getKey(),
              f.getKey(),
              new ExpectedFile(
                  f.getKey(), f.getValue().length, Hashes.of(HashAlgorithm.SHA256, sha))));
    }
    return tasks;
  }

  private static void assertEveryFileVerified(
      Map<String, byte[]> files, List<FetchOutcome> outcomes) throws Exception {
    assertThat(outcomes).hasSize(files.size());
    for (FetchOutcome o : outcomes) {
      assertThat(o).as(o.task().localPath()).isInstanceOf(FetchOutcome.Fetched.class);
      Path staged = ((FetchOutcome.Fetched) o).staged();
      assertThat(Files.readAllBytes(staged))
          .as(o.task().localPath())
          .isEqualTo(files.get(o.task().localPath()));
    }
  }
}
