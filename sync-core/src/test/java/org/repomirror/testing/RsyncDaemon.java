package org.repomirror.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real rsync daemon on loopback, as old archive hosts run one. Its module {@code archive} serves
 * a folder read-only as the unprivileged user {@code nobody}, so a file only root may read is
 * refused; its module {@code closed} serves the same folder only to a host that is not this one.
 * Outside CI a machine without rsync skips the test; on CI ({@code CI=true}) that is a failure.
 */
public final class RsyncDaemon implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/bin/rsync");

  private final Path work;
  private final int port;
  private final Process daemon;

  private RsyncDaemon(Path work, int port, Process daemon) {
    this.work = work;
    this.port = port;
    this.daemon = daemon;
  }

  /**
   * Serves {@code root}; the folders above it are opened to {@code nobody} so that it can reach it.
   *
   * @param work a folder for the daemon's configuration and log
   */
  public static RsyncDaemon serve(Path root, Path work) throws IOException, InterruptedException {
    return serve(root, work, 0);
  }

  /**
   * Serves {@code root} as {@link #serve(Path, Path)} does, sending at most {@code bytesPerSecond}
   * on each connection (rsync's own {@code --bwlimit}), or without a limit when it is 0.
   */
  public static RsyncDaemon serve(Path root, Path work, long bytesPerSecond)
      throws IOException, InterruptedException {
    return serve(root, work, bytesPerSecond, 0);
  }

  /**
   * Serves {@code root} as {@link #serve(Path, Path, long)} does, refusing connections beyond
   * {@code maxConnections} at once ({@code max connections}, as busy archive hosts set it), or
   * without a limit when it is 0.
   */
  public static RsyncDaemon serve(Path root, Path work, long bytesPerSecond, int maxConnections)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("rsync is not installed: .ci/run installs it");
      }
      Assumptions.abort("rsync is not installed (apt-get install rsync)");
    }
    Nginx.openToWorkers(root);
    Path dir = Files.createTempDirectory(Files.createDirectories(work), "rsyncd-");
    int port = Nginx.freePort();
    Path conf = dir.resolve("rsyncd.conf");
    Files.writeString(
        conf,
        """
        address = 127.0.0.1
        port = %d
        use chroot = no
        log file = %s/rsyncd.log
        transfer logging = yes
        lock file = %s/rsyncd.lock
        [archive]
        path = %s
        read only = yes
        max connections = %d
        [closed]
        path = %s
        read only = yes
        hosts allow = 192.0.2.1
        """
            .formatted(
                port, dir, dir, root.toAbsolutePath(), maxConnections, root.toAbsolutePath()));
    List<String> argv =
        new ArrayList<>(
            List.of(BINARY.toString(), "--daemon", "--no-detach", "--config=" + conf.toString()));
    if (bytesPerSecond > 0) argv.add("--bwlimit=" + Math.max(1, bytesPerSecond / 1024));
    Process daemon =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    RsyncDaemon d = new RsyncDaemon(dir, port, daemon);
    d.awaitListening();
    return d;
  }

  /** The {@code archive} module's root. */
  public URI uri() {
    return module("archive");
  }

  /** A module's root, e.g. {@code closed}. */
  public URI module(String name) {
    return URI.create("rsync://127.0.0.1:" + port + "/" + name + "/");
  }

  /** What the daemon logged, for a failing test's message. */
  public String log() throws IOException {
    Path log = work.resolve("rsyncd.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /**
   * How many files each connection sent, in the order the connections first sent one: one entry a
   * run of rsync, from the daemon's transfer log.
   */
  public List<Integer> filesSentPerConnection() throws IOException {
    Map<String, Integer> byProcess = new LinkedHashMap<>();
    Matcher m = SENT.matcher(log());
    while (m.find()) byProcess.merge(m.group(1), 1, Integer::sum);
    return List.copyOf(byProcess.values());
  }

  /** A transfer log line: {@code 2026/12/07 14:47:01 [4242] send localhost [127.0.0.1] ...}. */
  private static final Pattern SENT = Pattern.compile("(?m)^\\S+ \\S+ \\[(\\d+)\\] send ");

  private void awaitListening() throws IOException, InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (!daemon.isAlive()) {
        throw new IOException("rsync exited: " + Files.readString(work.resolve("stdout.log")));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("the rsync daemon does not listen on port " + port + " after 5 s");
  }

  @Override
  public void close() throws InterruptedException {
    daemon.destroy();
    if (!daemon.waitFor(5, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor();
  }
}
