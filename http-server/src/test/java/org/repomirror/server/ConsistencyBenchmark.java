package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.cli.Main;
import org.repomirror.config.PinningConfig;
import org.repomirror.config.Subnet;
import org.repomirror.sample.SigningKey;
import org.repomirror.server.AptLoad.Variant;
import org.repomirror.testing.Nginx;
import org.repomirror.testing.ScriptedUpstream;

/**
 * {@code bench/run.sh consistency}: the load of {@link ConsistencyUnderLoadTest} under every way of
 * serving a changing archive, the tools people use today included, counting failed runs rather than
 * requiring none. Not part of the suite (its name does not end in Test); run by the script, which
 * names the setups, variants and publishes in system properties and reads the CSV it writes. A
 * setup whose publishes or clients did not run fails the benchmark, so that no count is printed for
 * it.
 */
class ConsistencyBenchmark {
  /** A way of serving the mirror while it is updated. */
  enum Setup {
    /** ftpsync's two stages (pool first, then metadata with --delay-updates) into nginx's tree. */
    FTPSYNC_NGINX,
    /** One plain rsync -a --delete into nginx's tree. */
    RSYNC_NGINX,
    /** repomirror sync and serve, pinning off. */
    REPOMIRROR_UNPINNED,
    /** repomirror sync and serve, pinning on (the default). */
    REPOMIRROR_PINNED,
    /** nginx proxy_cache in front of repomirror, which is not told to trust it. */
    CACHE_UNTRUSTED,
    /** nginx proxy_cache in front of repomirror, which trusts its X-Forwarded-For. */
    CACHE_TRUSTED,
    /** A cache that keeps every file 3 s whatever the origin says, in front of repomirror. */
    CACHE_HOLDING_METADATA
  }

  /** ftpsync's RSYNC_OPTIONS, then its stage 1 and stage 2 options (archvsync, bin/ftpsync). */
  private static final List<String> RSYNC =
      List.of("rsync", "-prltHSB8192", "--safe-links", "--chmod=D755,F644", "--no-inc-recursive");

  private static final List<String> STAGE1 =
      List.of(
          "--include=*.diff/",
          "--include=by-hash/",
          "--exclude=*.diff/Index",
          "--exclude=Packages*",
          "--exclude=Sources*",
          "--exclude=Release*",
          "--exclude=InRelease",
          "--include=i18n/by-hash",
          "--exclude=i18n/*",
          "--exclude=ls-lR*");
  private static final List<String> STAGE2 =
      List.of("--max-delete=40000", "--delay-updates", "--delete", "--delete-after");

  @TempDir Path tmp;

  @Test
  void countFailedRunsUnderEverySetup() throws Exception {
    List<Setup> setups = property("consistency.setups", Setup.values(), Setup::valueOf);
    List<Variant> variants = property("consistency.variants", Variant.values(), Variant::valueOf);
    int publishes = Integer.getInteger("consistency.publishes", 20);
    Path results = Path.of(System.getProperty("consistency.results", "consistency.csv"));
    SigningKey key = SigningKey.generateRsa("archive <a@example.org>");
    if (!Files.exists(results)) {
      Files.writeString(
          results, "setup,variant,publishes,runs,failed,releases_seen,first_failure\n");
    }
    for (Setup s : setups) {
      for (Variant v : variants) {
        Path work = Files.createDirectories(tmp.resolve(s + "-" + v));
        AptLoad.Outcome o = measure(work, s, v, publishes, key);
        assertThat(o.runs()).as("%s %s: client runs", s, v).isGreaterThanOrEqualTo(4);
        String first = o.failures().isEmpty() ? "" : firstFailureLine(o.failures().getFirst());
        Files.writeString(
            results,
            String.join(
                    ",",
                    s.name().toLowerCase(Locale.ROOT),
                    v.name().toLowerCase(Locale.ROOT),
                    Integer.toString(publishes),
                    Integer.toString(o.runs()),
                    Integer.toString(o.failures().size()),
                    Integer.toString(o.releasesSeen()),
                    '"' + first.replace('"', '\'') + '"')
                + "\n",
            StandardOpenOption.APPEND);
        System.out.printf(
            "%-24s %-10s %3d of %3d runs failed, %d releases seen%n",
            s, v, o.failures().size(), o.runs(), o.releasesSeen());
      }
    }
  }

  private static AptLoad.Outcome measure(
      Path work, Setup s, Variant v, int publishes, SigningKey key) throws Exception {
    Path upstream = work.resolve("upstream");
    Path mirror = Files.createDirectories(work.resolve("mirror"));
    Path keyring = key.writePublicKeyring(work.resolve("archive.gpg"));
    AptLoad.release(upstream, v, 1, key);
    return switch (s) {
      case FTPSYNC_NGINX, RSYNC_NGINX -> {
        AptLoad.Publisher rsync =
            n -> {
              if (n > 1) AptLoad.release(upstream, v, n, key);
              if (s == Setup.FTPSYNC_NGINX) rsync(upstream, mirror, STAGE1);
              rsync(upstream, mirror, s == Setup.FTPSYNC_NGINX ? STAGE2 : List.of("--delete"));
            };
        rsync.publish(1);
        try (Nginx nginx = Nginx.serve(mirror, work)) {
          yield AptLoad.run(work, v, c -> v.sourcesLine(keyring, nginx.uri()), publishes, rsync);
        }
      }
      default -> {
        try (ScriptedUpstream up = new ScriptedUpstream(upstream)) {
          String[] sync = {
            "sync",
            "--root",
            mirror.toString(),
            "--upstream",
            up.uri().toString(),
            "--dist",
            v.dist(),
            "--keyring",
            keyring.toString()
          };
          AptLoad.Publisher publish =
              n -> {
                if (n > 1) AptLoad.release(upstream, v, n, key);
                assertThat(sync(sync)).as("%s publish %d", s, n).isZero();
              };
          publish.publish(1);
          try (RepoServer server =
                  RepoServer.start(TestServers.config(mirror, pinning(s)), AccessLog.OFF);
              Nginx cache = cache(s, server, work)) {
            URI origin = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
            yield AptLoad.run(
                work,
                v,
                c -> v.sourcesLine(keyring, cache != null ? cache.uri(c) : origin),
                publishes,
                publish);
          }
        }
      }
    };
  }

  /**
   * The pinning of a setup. Straight to the server all clients come from 127.0.0.1, one address
   * that keeps one generation for the whole window (through a cache, each has its own): the window
   * ({@code consistency.window}, 5 s) is shorter than the run so that they move on, which the
   * releases-seen column shows.
   */
  private static PinningConfig pinning(Setup s) {
    Duration window =
        s == Setup.REPOMIRROR_UNPINNED
            ? Duration.ZERO
            : Duration.ofSeconds(Integer.getInteger("consistency.window", 5));
    List<Subnet> trusted =
        s == Setup.CACHE_TRUSTED || s == Setup.CACHE_HOLDING_METADATA
            ? List.of(Subnet.parse("127.0.0.1"))
            : List.of();
    return new PinningConfig(window, 100_000, Duration.ofHours(1), trusted);
  }

  private static Nginx cache(Setup s, RepoServer server, Path work) throws Exception {
    URI origin = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
    return switch (s) {
      case CACHE_UNTRUSTED, CACHE_TRUSTED -> Nginx.cache(origin, work, AptLoad.CLIENTS, "");
      case CACHE_HOLDING_METADATA ->
          Nginx.cache(
              origin,
              work,
              AptLoad.CLIENTS,
              "proxy_ignore_headers Cache-Control Expires; proxy_cache_valid 200 3s;");
      default -> null;
    };
  }

  private static void rsync(Path from, Path to, List<String> options) throws Exception {
    List<String> command = new ArrayList<>(RSYNC);
    command.addAll(options);
    command.add(from + "/");
    command.add(to + "/");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rsync finished").isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  private static int sync(String... args) {
    StringWriter out = new StringWriter();
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
  }

  /** The line that says why a run failed: a mismatch or size first, then any error. */
  private static String firstFailureLine(String output) {
    for (String mark : List.of("Hash Sum mismatch", "unexpected size", "404", "E: ", "Err:")) {
      for (String line : output.lines().toList()) {
        if (line.contains(mark)) return line.strip();
      }
    }
    return output.lines().reduce((a, b) -> b).orElse("").strip();
  }

  private static <T> List<T> property(
      String name, T[] all, java.util.function.Function<String, T> parse) {
    String value = System.getProperty(name, "");
    if (value.isBlank()) return List.of(all);
    return Arrays.stream(value.split(","))
        .map(x -> parse.apply(x.strip().toUpperCase(Locale.ROOT)))
        .toList();
  }
}
