package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.reliability.SyncProcess;
import org.repomirror.server.AptGet;

/**
 * README's first command, {@code repomirror demo}, run as a newcomer runs it: in a process of its
 * own with nothing prepared. Real apt, modern and with a legacy suite, installs from the mirror it
 * serves through the lines it prints, and Ctrl-C stops it and removes what it made.
 */
class DemoTest {
  private static final Pattern WORK = Pattern.compile("(?m)^repomirror demo, in (\\S+)$");
  private static final Pattern SOURCES = Pattern.compile("(?m)^  (deb .*)$");

  @TempDir Path tmp;

  @Test
  void readmesFirstCommandIsTheDemo() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher first = Pattern.compile("```sh\\n([^\\n]*)\\n").matcher(readme);
    assertThat(first.find()).as("README has a shell block").isTrue();
    assertThat(first.group(1)).isEqualTo("./repomirror demo");
  }

  @Test
  void theDemoSyncsAndServesAnArchiveRealAptInstallsFromAndStopsCleanlyOnCtrlC() throws Exception {
    AptGet.requireAptGet();
    Path log = tmp.resolve("demo.log");
    Process demo = SyncProcess.start(List.of("demo", "--listen", "127.0.0.1:0"), null, log);
    try {
      String output = awaitReady(demo, log);
      Matcher work = WORK.matcher(output);
      assertThat(work.find()).as(output).isTrue();
      Path folder = Path.of(work.group(1));
      List<String> sources = SOURCES.matcher(output).results().map(m -> m.group(1)).toList();
      assertThat(sources).as(output).hasSize(3);
      assertThat(output).contains("outcome: ok");

      AptGet modern =
          new AptGet(tmp.resolve("apt-modern"), "amd64", List.of(sources.get(0)), List.of());
      assertInstalls(modern, "hello-repomirror", "repomirror-sample-data");

      // The legacy suite with the options the demo prints for this machine's apt.
      Matcher printed = Pattern.compile("(?m)^  (apt-get .*) update$").matcher(output);
      assertThat(printed.find()).as(output).isTrue();
      List<String> config = new java.util.ArrayList<>();
      Matcher option = Pattern.compile("-o ([^= ]+)=(\\S+)").matcher(printed.group(1));
      while (option.find()) config.add(option.group(1) + " \"" + option.group(2) + "\";");
      assertThat(config).hasSize(3);
      config.add("APT::Get::AllowUnauthenticated \"true\";"); // --allow-unauthenticated
      AptGet legacy =
          new AptGet(tmp.resolve("apt-legacy"), "armel", List.of(sources.get(2)), config);
      assertInstalls(legacy, "maemo-hello", "libqt4-maemo5+gui");

      new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start().waitFor();
      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("Ctrl-C stops the demo").isTrue();
      String all = Files.readString(log);
      assertThat(all).contains("repomirror demo: stopped; removed " + folder);
      assertThat(folder).as("what the demo made is gone").doesNotExist();
    } finally {
      demo.destroyForcibly();
    }
  }

  private static void assertInstalls(AptGet apt, String... packages) throws Exception {
    AptGet.Result update = apt.run("update");
    assertThat(update.exitCode()).as(update.output()).isZero();
    // The legacy suite's MD5-only Release draws modern apt's two warnings about weak hashes.
    assertThat(
            update
                .output()
                .lines()
                .filter(l -> l.matches("^[WE]:.*"))
                .filter(l -> !l.contains("strong enough") && !l.contains("weak security")))
        .isEmpty();
    assertThat(update.output()).doesNotContain("Hash Sum mismatch");
    String[] args = new String[packages.length + 1];
    args[0] = "download";
    System.arraycopy(packages, 0, args, 1, packages.length);
    AptGet.Result download = apt.run(args);
    assertThat(download.exitCode()).as(download.output()).isZero();
    try (var debs = Files.list(apt.downloads())) {
      assertThat(debs.filter(p -> p.toString().endsWith(".deb")).count())
          .isEqualTo(packages.length);
    }
  }

  /** What the demo printed once it serves the mirror; at most two minutes. */
  private static String awaitReady(Process demo, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      String output = Files.exists(log) ? Files.readString(log) : "";
      if (output.contains("Ctrl-C stops the demo")) return output;
      if (!demo.isAlive()) throw new AssertionError("the demo ended early:\n" + output);
      Thread.sleep(100);
    }
    throw new AssertionError(
        "the demo did not get ready in two minutes:\n" + Files.readString(log));
  }
}
