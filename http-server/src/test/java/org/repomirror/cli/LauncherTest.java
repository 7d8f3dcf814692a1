package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
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
}
