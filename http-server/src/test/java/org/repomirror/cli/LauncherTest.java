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

  @Test
  void itBuildsInTheProjectWhateverFolderItIsRunFrom() throws Exception {
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.copy(Path.of("..", "repomirror"), project.resolve("repomirror"));
    Files.writeString(project.resolve("pom.xml"), "<project/>");
    Path called = tmp.resolve("called");
    Path mvnw = project.resolve("mvnw");
    Files.writeString(mvnw, "#!/bin/sh\npwd > '" + called + "'\nexit 1\n");
    Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
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
