package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./repomirror} launcher, copied beside a stand-in for the Maven wrapper that records
 * how it was called: a newcomer may run it from any folder.
 */
class LauncherTest {
  @TempDir Path tmp;

  /** A copy of the launcher in a project whose wrapper runs {@code script}. */
  private Path project(String script) throws Exception {
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.copy(Path.of("..", "repomirror"), project.resolve("repomirror"));
    Files.writeString(project.resolve("pom.xml"), "<project/>");
    Path mvnw = project.resolve("mvnw");
    Files.writeString(mvnw, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    return project;
  }

  @Test
  void twoRunsStartedTogetherBuildOneAfterTheOther() throws Exception {
    Path log = tmp.resolve("builds");
    // A build that takes a second and says when it began and ended; it makes no jar, so both
    // launchers build, and the second must wait for the first.
    Path project =
        project("echo begin >> '" + log + "'\nsleep 1\necho end >> '" + log + "'\nexit 1\n");
    Process first = start(project, tmp);
    Process second = start(project, tmp);
    assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readAllLines(log)).containsExactly("begin", "end", "begin", "end");
  }

  private static Process start(Path project, Path folder) throws Exception {
    return new ProcessBuilder("bash", project.resolve("repomirror").toString(), "--version")
        .directory(folder.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  @Test
  void itBuildsInTheProjectWhateverFolderItIsRunFrom() throws Exception {
    Path called = tmp.resolve("called");
    Path project = project("pwd > '" + called + "'\nexit 1\n");
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));

    Process p =
        new ProcessBuilder("bash", project.resolve("repomirror").toString(), "--version")
            .directory(elsewhere.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as(output).isEqualTo(1);
    assertThat(output).contains("repomirror: the build failed");
    assertThat(Files.readString(called).strip())
        .as("the wrapper runs in the project, where its pom is")
        .isEqualTo(project.toRealPath().toString());
  }

  /**
   * With JDK 25 or later, the build's AOT cache while it is newer than the jar; otherwise, and with
   * an older JDK, the class-data archive. The JDK here is a stand-in that records its arguments.
   */
  @Test
  void itStartsTheJvmFromTheAotCacheOnlyWhenTheCacheIsCurrentAndTheJdkReadsIt() throws Exception {
    Path project = project("exit 1\n");
    Path target = built(project);
    Path aot = target.resolve("repomirror.aot");
    Path madeBy = target.resolve("repomirror.aot.jdk");
    Instant built = Files.getLastModifiedTime(target.resolve("repomirror.jar")).toInstant();

    assertThat(jvmArguments(project, 25))
        .contains("-XX:AOTCache=" + aot.toRealPath(), "-Xlog:aot=off")
        .noneMatch(a -> a.contains("SharedArchive"));
    assertThat(jvmArguments(project, 21))
        .as("JDK 21 cannot read the cache, nor knows the aot log")
        .contains("-XX:+AutoCreateSharedArchive")
        .noneMatch(a -> a.contains("AOT") || a.contains("aot"));

    Files.writeString(madeBy, release(25).replace("25.0.1", "25.0.2"));
    assertThat(jvmArguments(project, 25))
        .as("a cache made by another JDK, which this one would refuse")
        .contains("-XX:+AutoCreateSharedArchive")
        .noneMatch(a -> a.contains("AOTCache"));
    Files.writeString(madeBy, release(25));

    Files.setLastModifiedTime(aot, FileTime.from(built.minusSeconds(30)));
    assertThat(jvmArguments(project, 25))
        .as("a cache older than the jar was made for another jar")
        .contains("-XX:+AutoCreateSharedArchive")
        .noneMatch(a -> a.contains("AOTCache"));
  }

  /**
   * A sync of a tree with a server's socket starts only the relay, HandedSync, without the sync's
   * class data; one without a socket, or of another command, starts as ever.
   */
  @Test
  void aSyncOfATreeWhoseServerTakesSyncsStartsTheRelayAlone() throws Exception {
    Path project = project("exit 1\n");
    Path target = built(project);
    Path jar = target.resolve("repomirror.jar");
    Path aot = target.resolve("repomirror.aot");
    Path root = tmp.resolve("mirror root");
    Path socket = Files.createDirectories(root.resolve(".repomirror")).resolve("service.sock");

    assertThat(jvmArguments(project, 25, "sync", "--root", root.toString()))
        .as("no server: the sync runs itself")
        .contains("-XX:AOTCache=" + aot.toRealPath(), "-jar")
        .doesNotContain("org.repomirror.cli.HandedSync");
    try (var server =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      server.bind(java.net.UnixDomainSocketAddress.of(socket));
      for (List<String> line :
          List.of(
              List.of("sync", "--root", root.toString(), "--upstream", "http://u/"),
              List.of("sync", "--upstream", "http://u/", "--root=" + root))) {
        assertThat(jvmArguments(project, 25, line.toArray(String[]::new)))
            .containsSubsequence(
                "-XX:SharedArchiveFile=" + target.toRealPath().resolve("repomirror-relay.jsa"),
                "-cp",
                jar.toRealPath().toString())
            .containsSubsequence(List.of("org.repomirror.cli.HandedSync", "sync"))
            .noneMatch(a -> a.contains("AOTCache") || a.equals("-jar"))
            // A relay whose server declines the sync runs it itself, and C1 alone hashes SHA-256
            // at a tenth of C2's speed.
            .noneMatch(a -> a.startsWith("-XX:TieredStopAtLevel"));
      }
      assertThat(jvmArguments(project, 25, "sync", "--root", root.toString(), "--config", "c.yaml"))
          .as("a config file is checked by the sync first")
          .contains("-XX:AOTCache=" + aot.toRealPath())
          .doesNotContain("org.repomirror.cli.HandedSync");
      assertThat(jvmArguments(project, 25, "status", "--root", root.toString()))
          .as("other commands start as ever")
          .contains("-XX:AOTCache=" + aot.toRealPath())
          .doesNotContain("org.repomirror.cli.HandedSync");
    }
  }

  /**
   * A project built a minute ago by JDK 25: its jar, and the AOT cache made 30 s after it.
   *
   * @return its target folder
   */
  private static Path built(Path project) throws Exception {
    Path target = Files.createDirectories(project.resolve("http-server/target"));
    Path jar = Files.writeString(target.resolve("repomirror.jar"), "a jar");
    Path aot = Files.writeString(target.resolve("repomirror.aot"), "a cache");
    Files.writeString(target.resolve("repomirror.aot.jdk"), release(25));
    Instant built = Instant.now().minusSeconds(60);
    Files.setLastModifiedTime(project.resolve("pom.xml"), FileTime.from(built.minusSeconds(60)));
    Files.setLastModifiedTime(jar, FileTime.from(built));
    Files.setLastModifiedTime(aot, FileTime.from(built.plusSeconds(30)));
    return target;
  }

  /** The lines of a JDK's release file that say which JDK it is, as AotTraining writes them. */
  private static String release(int major) {
    return "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_RUNTIME_VERSION=\"" + major + ".0.1+9-LTS\"\n";
  }

  /** The arguments the launcher gives a stand-in JDK of this major version. */
  private List<String> jvmArguments(Path project, int major) throws Exception {
    return jvmArguments(project, major, "status");
  }

  /** The arguments the launcher gives a stand-in JDK for a command line. */
  private List<String> jvmArguments(Path project, int major, String... command) throws Exception {
    Path jdk = Files.createDirectories(tmp.resolve("jdk-" + major + "/bin"));
    Path arguments = tmp.resolve("arguments-" + major);
    Files.writeString(
        jdk.resolve("../release"), "JAVA_VERSION=\"" + major + ".0.1\"\n" + release(major));
    Path java = jdk.resolve("java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + arguments + "'\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb =
        new ProcessBuilder(
                Stream.concat(
                        Stream.of("bash", project.resolve("repomirror").toString()),
                        Arrays.stream(command))
                    .toList())
            .redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", jdk.getParent().toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return Files.readAllLines(arguments);
  }
}
