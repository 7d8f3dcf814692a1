package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.ScriptedUpstream;

/**
 * The Debian package as an admin meets it: installed with {@code dpkg -i}, its units checked by
 * {@code systemd-analyze verify}, then the units' own ExecStart lines run as the package's user
 * (systemd is not PID 1 here): the sync mirrors a loopback upstream into {@code /srv/repomirror},
 * the server serves it, and the real apt-get updates and downloads every package. The package is
 * purged at the end. It installs software system-wide, so it runs as root on CI, or elsewhere with
 * {@code -Drepomirror.package-test=true}.
 */
class DebianPackageIT {
  private static final Path MIRROR = Path.of("/srv/repomirror");
  private static final Path STATE = Path.of("/var/lib/repomirror");
  private static final Path UNITS = Path.of("/lib/systemd/system");
  private static final List<String> UNIT_NAMES =
      List.of("repomirror-serve.service", "repomirror-sync.service", "repomirror-sync.timer");

  @TempDir Path tmp;

  private record Run(int exitCode, String output) {}

  @Test
  void installsVerifiesItsUnitsSyncsAndServesApt() throws Exception {
    requireRootAndDpkg();
    Path deb = theBuiltPackage();
    boolean mirrorExisted = Files.exists(MIRROR);
    if (run("dpkg-query", "-W", "repomirror").exitCode() == 0) {
      assertThat(run("dpkg", "--purge", "repomirror").exitCode()).isZero();
    }
    Process serve = null;
    try {
      Run install = run("dpkg", "-i", deb.toString());
      assertThat(install.exitCode()).as(install.output()).isZero();

      // Debian's own checks of the package: warnings are fixed, or explained in its overrides.
      Run lintian = run("lintian", deb.toString());
      assertThat(lintian.output()).as("lintian").doesNotContainPattern("(?m)^[EW]: ");
      assertThat(lintian.exitCode()).as(lintian.output()).isZero();

      // What it installed.
      assertThat(Files.isExecutable(Path.of("/usr/bin/repomirror"))).isTrue();
      assertThat(Path.of("/usr/share/repomirror/repomirror.jar")).isRegularFile();
      assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", "repomirror").output())
          .contains("/etc/repomirror/repomirror.yaml")
          .contains("/etc/default/repomirror");
      assertThat(run("getent", "passwd", "repomirror").output())
          .as("a system user without a login shell")
          .contains(":/var/lib/repomirror:")
          .contains("nologin");
      assertThat(Files.getOwner(MIRROR).getName()).isEqualTo("repomirror");
      for (String unit : UNIT_NAMES) assertThat(UNITS.resolve(unit)).isRegularFile();

      // The units, as systemd reads them.
      List<String> verify = new ArrayList<>(List.of("systemd-analyze", "verify"));
      UNIT_NAMES.forEach(u -> verify.add(UNITS.resolve(u).toString()));
      Run verified = run(verify.toArray(String[]::new));
      assertThat(verified.exitCode()).as(verified.output()).isZero();
      assertThat(verified.output()).as("systemd-analyze's complaints").isBlank();
      String serveUnit = Files.readString(UNITS.resolve("repomirror-serve.service"));
      assertThat(serveUnit)
          .contains("User=repomirror")
          .contains("NoNewPrivileges=yes")
          .contains("ProtectSystem=strict")
          .contains("ReadWritePaths=/srv/repomirror /var/lib/repomirror")
          .as("a stop by SIGTERM is clean: the JVM exits 143")
          .contains("SuccessExitStatus=143")
          .contains("CapabilityBoundingSet=\n");

      // The sync unit's command, from a loopback upstream, as the package's user.
      SigningKey key = SigningKey.generateRsa("repomirror package test <test@example.org>");
      Path upstreamRoot = tmp.resolve("upstream");
      SampleRepository.Suite suite =
          SampleRepository.modern(upstreamRoot, "stable")
              .components("main")
              .architectures("amd64")
              .signedBy(key)
              .add("hello", "2.10-3", "amd64", "main", 3000)
              .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 70_000)
              .write();
      Path keyring = key.writePublicKeyring(STATE.resolve("package-test-keyring.gpg"));
      Files.setPosixFilePermissions(
          keyring,
          java.util.Set.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.GROUP_READ,
              PosixFilePermission.OTHERS_READ));
      try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
        List<String> sync = timerSync(upstream, keyring);
        assertThat(sync).startsWith("/usr/bin/repomirror", "sync", "--all");
        Run synced = run(asTheUser(sync));
        assertThat(synced.exitCode()).as(synced.output()).isZero();
        // The user's class-data archive, made at the first run's exit, and a run that uses it.
        Path archive = STATE.resolve("repomirror.jsa");
        assertThat(archive).isRegularFile();
        assertThat(Files.getOwner(archive).getName()).isEqualTo("repomirror");
        Run again = run(asTheUser(sync));
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).doesNotContain("cds", "CDS", "shared archive");
      }
      assertThat(MIRROR.resolve("dists/stable/InRelease")).isRegularFile();
      assertThat(Files.getOwner(MIRROR.resolve("dists/stable/InRelease")).getName())
          .isEqualTo("repomirror");

      // The serve unit's command, and real apt against it.
      int port = freePort();
      int admin = freePort();
      List<String> serveCommand = execStart("repomirror-serve.service");
      assertThat(serveCommand).startsWith("/usr/bin/repomirror", "serve");
      serveCommand.addAll(
          List.of("--listen", "127.0.0.1:" + port, "--admin-listen", "127.0.0.1:" + admin));
      serve =
          new ProcessBuilder(asTheUser(serveCommand))
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("serve.log").toFile())
              .start();
      awaitPort(port, serve);
      Path aptKeyring = key.writePublicKeyring(tmp.resolve("archive.gpg"));
      AptGet apt =
          new AptGet(
              tmp.resolve("apt"),
              "amd64",
              List.of(
                  "deb [signed-by=" + aptKeyring + "] http://127.0.0.1:" + port + "/ stable main"),
              List.of());
      apt.updateAndDownloadAll(suite);
      // The timer's sync while the server runs: handed to it, run in its JVM.
      try (ScriptedUpstream upstream = new ScriptedUpstream(upstreamRoot)) {
        Run handed = run(asTheUser(timerSync(upstream, keyring)));
        assertThat(handed.exitCode()).as(handed.output()).isZero();
        assertThat(handed.output()).contains("handed to the server of /srv/repomirror");
        assertThat(Files.readString(tmp.resolve("serve.log")))
            .contains("the handed sync ended with exit code 0");
      }
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);

      // SIGTERM, as systemctl stop sends it: the server drains and exits.
      serve.destroy();
      assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    } finally {
      if (serve != null && serve.isAlive()) serve.destroyForcibly().waitFor();
      Run purge = run("dpkg", "--purge", "repomirror");
      Files.deleteIfExists(STATE.resolve("package-test-keyring.gpg"));
      if (!mirrorExisted) run("rm", "-rf", MIRROR.toString());
      assertThat(purge.exitCode()).as(purge.output()).isZero();
    }
    assertThat(Path.of("/usr/bin/repomirror")).doesNotExist();
    assertThat(Path.of("/etc/repomirror/repomirror.yaml")).as("purged").doesNotExist();
  }

  /** The sync unit's command, from a loopback upstream. */
  private static List<String> timerSync(ScriptedUpstream upstream, Path keyring)
      throws IOException {
    List<String> sync = execStart("repomirror-sync.service");
    sync.addAll(
        List.of(
            "--upstream",
            upstream.uri().toString(),
            "--dist",
            "dists/stable",
            "--keyring",
            keyring.toString()));
    return sync;
  }

  /** The ExecStart line of an installed unit, split into its words. */
  private static List<String> execStart(String unit) throws IOException {
    for (String line : Files.readAllLines(UNITS.resolve(unit))) {
      if (line.startsWith("ExecStart=")) {
        return new ArrayList<>(Arrays.asList(line.substring(10).strip().split("\\s+")));
      }
    }
    throw new AssertionError(unit + " has no ExecStart");
  }

  /** A command as the unit's User= runs it: that user, a clean environment. */
  private static String[] asTheUser(List<String> command) {
    List<String> c =
        new ArrayList<>(
            List.of("runuser", "-u", "repomirror", "--", "env", "-i", "PATH=/usr/bin:/bin"));
    c.addAll(command);
    return c.toArray(String[]::new);
  }

  private static void requireRootAndDpkg() {
    boolean wanted =
        "true".equals(System.getenv("CI")) || Boolean.getBoolean("repomirror.package-test");
    assumeTrue(
        wanted,
        "installs a package system-wide: runs on CI, or with -Drepomirror.package-test=true");
    if (!"root".equals(System.getProperty("user.name"))) fail("the package test needs root");
    for (String tool :
        List.of(
            "/usr/bin/dpkg", "/usr/bin/systemd-analyze", "/usr/sbin/runuser", "/usr/bin/lintian")) {
      if (!Files.isExecutable(Path.of(tool))) fail("the package test needs " + tool);
    }
    AptGet.requireAptGet();
  }

  /** The .deb this build made: one per version and architecture, named by both. */
  private static Path theBuiltPackage() throws IOException {
    Path deb = Path.of("target", "repomirror_" + version() + "_amd64.deb");
    if (!Files.isRegularFile(deb)) throw new AssertionError("no " + deb + ": not packaged");
    return deb;
  }

  /** The version the build stamped on the jar. */
  private static String version() throws IOException {
    try (JarFile jar = new JarFile(Path.of("target", "repomirror.jar").toFile())) {
      return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
    }
  }

  /**
   * Before, every build added a .deb named by a timestamp (dpkg -i *.deb then unpacked two), the
   * package's version was not the jar's, and it carried RocksDB's libraries for every platform (113
   * MB).
   */
  @Test
  void onePackagePerVersionWithOnlyItsArchitecturesNativeLibraries() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/dpkg-deb"))) {
      if ("true".equals(System.getenv("CI"))) fail("the package test needs dpkg-deb on CI");
      assumeTrue(false, "no dpkg-deb");
    }
    String version = version();
    assertThat(version).matches("\\d+\\.\\d+\\.\\d+");
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".deb")))
          .containsExactly("repomirror_" + version + "_amd64.deb");
    }
    Path deb = theBuiltPackage();
    assertThat(run("dpkg-deb", "-f", deb.toString(), "Version").output().strip())
        .isEqualTo(version);
    assertThat(run("dpkg-deb", "-f", deb.toString(), "Architecture").output().strip())
        .isEqualTo("amd64");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    assertThat(run(java, "-jar", "target/repomirror.jar", "--version").output().strip())
        .isEqualTo("repomirror " + version);
    try (JarFile jar = new JarFile(Path.of("target", "repomirror.jar").toFile())) {
      assertThat(
              jar.stream()
                  .map(JarEntry::getName)
                  .filter(n -> n.contains("rocksdbjni") || n.contains("zstd-jni"))
                  .filter(n -> !n.endsWith(".class") && !n.endsWith("/")))
          .as("RocksDB's and zstd's native libraries: the amd64 ones only")
          .hasSize(2)
          .allMatch(n -> n.equals("librocksdbjni-linux64.so") || n.startsWith("linux/amd64/"));
    }
    // About 30 MiB before the S3 client (the AWS SDK for Java v2, 5 MiB compressed) came in.
    assertThat(Files.size(deb)).as("the package's size").isLessThan(40L << 20);
  }

  /** Runs a command to its end, 300 s at most; its output goes through a file, never a pipe. */
  private static Run run(String... command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("package-test", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Run(-1, String.join(" ", command) + " did not finish in 300 s");
      }
      return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void awaitPort(int port, Process server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        fail("the server exited: " + Files.readString(tmp.resolve("serve.log")));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    fail("the server did not listen within 60 s: " + Files.readString(tmp.resolve("serve.log")));
  }
}
