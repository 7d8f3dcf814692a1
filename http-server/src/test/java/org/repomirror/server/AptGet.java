package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.repomirror.sample.SampleRepository;

/**
 * Runs the real {@code apt-get} as root in a private sandbox folder: its own state, cache,
 * sources.list and configuration, so the host's apt setup is neither used nor touched.
 */
public final class AptGet {
  private static final Path APT_GET = Path.of("/usr/bin/apt-get");
  private static final long TIMEOUT_SECONDS = 180;

  /**
   * What one apt-get run printed and returned.
   *
   * @param exitCode apt-get's exit code, or -1 when it did not finish in time and was killed
   */
  public record Result(int exitCode, String output) {}

  private final Path work;
  private final Path config;

  /**
   * @param work an empty folder for apt's state, cache and downloads
   * @param architecture the native architecture apt pretends to have, e.g. amd64 or armel
   * @param sourcesList the lines of sources.list
   * @param extraConfig further apt.conf lines, e.g. {@code Acquire::AllowWeakRepositories "true";}
   */
  public AptGet(Path work, String architecture, List<String> sourcesList, List<String> extraConfig)
      throws IOException {
    requireAptGet();
    this.work = work;
    Files.createDirectories(work.resolve("state/lists/partial"));
    Files.createDirectories(work.resolve("cache/archives/partial"));
    Files.createDirectories(work.resolve("downloads"));
    Files.writeString(work.resolve("status"), "");
    Files.write(work.resolve("sources.list"), sourcesList);
    Path empty = Files.createDirectories(work.resolve("empty.d"));
    List<String> conf = new ArrayList<>();
    conf.add("Dir::Etc::Parts \"" + empty + "\";");
    conf.add("Dir::Etc::Preferences \"" + work.resolve("preferences") + "\";");
    conf.add("Dir::Etc::PreferencesParts \"" + empty + "\";");
    conf.add("Dir::Etc::Trusted \"" + work.resolve("trusted.gpg") + "\";");
    conf.add("Dir::Etc::TrustedParts \"" + empty + "\";");
    conf.add("Dir::Etc::SourceParts \"" + empty + "\";");
    conf.add("Dir::Etc::SourceList \"" + work.resolve("sources.list") + "\";");
    conf.add("Dir::State \"" + work.resolve("state") + "\";");
    conf.add("Dir::State::status \"" + work.resolve("status") + "\";");
    conf.add("Dir::Cache \"" + work.resolve("cache") + "\";");
    conf.add("APT::Sandbox::User \"root\";");
    conf.add("Debug::NoLocking \"true\";");
    conf.add("APT::Architecture \"" + architecture + "\";");
    conf.add("APT::Architectures { \"" + architecture + "\"; };");
    conf.add("Acquire::Languages \"none\";");
    conf.add("Acquire::Retries \"0\";");
    conf.add("Acquire::http::Proxy \"DIRECT\";");
    conf.add("Acquire::http::Timeout \"20\";");
    conf.addAll(extraConfig);
    this.config = work.resolve("apt.conf");
    Files.write(config, conf);
  }

  /**
   * Fails (on CI) or skips (elsewhere) when there is no apt-get: the end-to-end tests must not
   * silently pass on CI without it.
   */
  public static void requireAptGet() {
    boolean present = Files.isExecutable(APT_GET);
    if (!present && "true".equals(System.getenv("CI"))) {
      fail("apt-get is required for the end-to-end tests on CI but " + APT_GET + " is missing");
    }
    assumeTrue(present, "apt-get is not installed; end-to-end apt tests skipped outside CI");
  }

  /** The Release files apt keeps after an update (InRelease, or Release with Release.gpg). */
  public List<Path> releases() throws IOException {
    try (var files = Files.list(work.resolve("state/lists"))) {
      return files
          .filter(p -> p.getFileName().toString().matches(".*_(In)?Release"))
          .sorted()
          .toList();
    }
  }

  public Path downloads() {
    return work.resolve("downloads");
  }

  /**
   * {@code apt-get update}, then a download of every package of the suite: both succeed, with no
   * Hash Sum mismatch, warning or error, and one .deb lands for each package.
   */
  public void updateAndDownloadAll(SampleRepository.Suite suite)
      throws IOException, InterruptedException {
    Result update = run("update");
    assertThat(update.exitCode()).as(update.output()).isZero();
    assertThat(update.output())
        .doesNotContain("Hash Sum mismatch")
        .doesNotContainPattern("(?m)^[WE]:");
    List<String> args = new ArrayList<>(List.of("download"));
    suite.packages().forEach(p -> args.add(p.name()));
    Result download = run(args.toArray(String[]::new));
    assertThat(download.exitCode()).as(download.output()).isZero();
    try (Stream<Path> files = Files.list(downloads())) {
      assertThat(files.filter(f -> f.toString().endsWith(".deb")).count())
          .isEqualTo(suite.packages().size());
    }
  }

  public Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(APT_GET.toString());
    command.add("-q");
    command.add("-y");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(downloads().toFile());
    pb.redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().put("APT_CONFIG", config.toString());
    pb.environment().put("LC_ALL", "C");
    Path log = Files.createTempFile(work, "apt-get", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Result(
            -1,
            Files.readString(log, StandardCharsets.UTF_8)
                + "\napt-get "
                + String.join(" ", args)
                + " did not finish in "
                + TIMEOUT_SECONDS
                + " s and was killed");
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
