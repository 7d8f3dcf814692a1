package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The product jar run as an unprivileged user (nobody) against folders it may not write or read, as
 * a service user meets them: each error names the path and the reason. Needs root to switch users;
 * on CI it fails without it.
 */
class PermissionsIT {
  private Path work;

  @BeforeEach
  void rootOnly() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root && "true".equals(System.getenv("CI"))) fail("the permissions test needs root on CI");
    assumeTrue(root, "needs root to run the jar as nobody");
    // A folder nobody can enter, unlike the tests' own temporary folders (mode 700).
    work = Files.createTempDirectory(Path.of("/tmp"), "repomirror-permissions-");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void removeWork() throws Exception {
    if (work == null) return;
    try (var walk = Files.walk(work)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        Files.delete(p);
      }
    }
  }

  private record Run(int code, String output) {}

  private Run asNobody(String... args) throws Exception {
    Path jar = Path.of("target", "repomirror.jar").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of("runuser", "-u", "nobody", "--"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("permissions", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(work.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      return new Run(p.exitValue(), Files.readString(log));
    } finally {
      Files.delete(log);
    }
  }

  @Test
  void aSyncIntoARootItMayNotWriteSaysWhere() throws Exception {
    Path root = Files.createDirectories(work.resolve("srv/mirror"));
    Path keyring = Files.writeString(work.resolve("keyring.gpg"), "");
    Run r =
        asNobody(
            "sync",
            "--root",
            root.toString(),
            "--upstream",
            "http://127.0.0.1:9/",
            "--dist",
            "dists/stable",
            "--no-verify-signature",
            "--keyring",
            keyring.toString());
    assertThat(r.code()).as(r.output()).isEqualTo(4);
    assertThat(r.output())
        .endsWith(
            "sync: aborted, the published tree is intact: "
                + root.resolve(".repomirror")
                + ": Permission denied\n");
  }

  @Test
  void serveRefusesARootItMayNotRead() throws Exception {
    Path root = Files.createDirectories(work.resolve("private"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    Run r =
        asNobody(
            "serve",
            "--root",
            root.toString(),
            "--listen",
            "127.0.0.1:0",
            "--admin-listen",
            "127.0.0.1:0");
    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.output())
        .isEqualTo(
            "serve: cannot read --root " + root + ": Permission denied (serve runs as nobody)\n");
  }
}
