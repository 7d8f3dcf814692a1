package org.repomirror.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.repomirror.config.AccessLogTarget;
import org.repomirror.config.HostPort;
import org.repomirror.config.ServerConfig;

/** Starts servers on loopback with ephemeral ports, for tests. */
final class TestServers {
  private TestServers() {}

  static ServerConfig config(Path root) {
    return new ServerConfig(
        root,
        new HostPort("127.0.0.1", 0),
        new HostPort("127.0.0.1", 0),
        1,
        1000,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        null,
        AccessLogTarget.OFF,
        null);
  }

  static RepoServer start(Path root, AccessLog log) throws IOException {
    return RepoServer.start(config(root), log);
  }
}
