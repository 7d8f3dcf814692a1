package org.repomirror.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenSSH server on loopback that lets root in with a key of its own, for upstreams reached
 * by rsync over ssh. Outside CI a machine without sshd, or a test not run as root, skips the test;
 * on CI ({@code CI=true}) that is a failure.
 */
public final class Sshd implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/sbin/sshd");

  private final Path dir;
  private final int port;
  private final Process server;

  private Sshd(Path dir, int port, Process server) {
    this.dir = dir;
    this.port = port;
    this.server = server;
  }

  /**
   * @param work a folder for the server's keys, configuration and log
   */
  public static Sshd start(Path work) throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!Files.isExecutable(BINARY) || !root) {
      String why =
          root ? "sshd is not installed (apt-get install openssh-server)" : "sshd needs root";
      if ("true".equals(System.getenv("CI"))) throw new IllegalStateException(why);
      Assumptions.abort(why);
    }
    Path dir = Files.createTempDirectory(Files.createDirectories(work), "sshd-");
    keygen(dir.resolve("host_key"));
    keygen(dir.resolve("client_key"));
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
    Files.createDirectories(Path.of("/run/sshd")); // its privilege separation folder
    int port = Nginx.freePort();
    Path config = dir.resolve("sshd_config");
    Files.writeString(
        config,
        """
        ListenAddress 127.0.0.1
        Port %d
        HostKey %s/host_key
        PidFile %s/sshd.pid
        AuthorizedKeysFile %s/authorized_keys
        StrictModes no
        UsePAM no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        LogLevel ERROR
        """
            .formatted(port, dir, dir, dir));
    Process server =
        new ProcessBuilder(BINARY.toString(), "-D", "-e", "-f", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    Sshd sshd = new Sshd(dir, port, server);
    sshd.awaitListening();
    return sshd;
  }

  private static void keygen(Path key) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IOException("ssh-keygen failed: " + out);
  }

  /** The URL of a folder on this host, as root: {@code ssh://root@127.0.0.1:PORT/path/}. */
  public URI uri(Path folder) {
    try {
      return new URI("ssh", "root", "127.0.0.1", port, folder.toAbsolutePath() + "/", null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The ssh command that logs in with the client key, trusting the server's on first sight. */
  public String rsh() {
    return "ssh -i "
        + dir.resolve("client_key")
        + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR";
  }

  private void awaitListening() throws IOException, InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (!server.isAlive()) {
        throw new IOException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("sshd does not listen on port " + port + " after 5 s");
  }

  @Override
  public void close() throws InterruptedException {
    server.destroy();
    if (!server.waitFor(5, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
  }
}
