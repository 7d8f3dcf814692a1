package org.repomirror.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.repomirror.config.AccessLogTarget;
import org.repomirror.config.HostPort;
import org.repomirror.config.PinningConfig;
import org.repomirror.config.ServerConfig;
import org.repomirror.config.TlsConfig;

/** Starts servers on loopback with ephemeral ports, for tests. */
final class TestServers {
  private TestServers() {}

  static ServerConfig config(Path root) {
    return config(root, 1000, Duration.ofSeconds(5), AccessLogTarget.OFF, null);
  }

  /** A loopback configuration with the settings tests vary. */
  static ServerConfig config(
      Path root,
      int maxConnections,
      Duration headerTimeout,
      AccessLogTarget accessLog,
      TlsConfig tls) {
    return new ServerConfig(
        root,
        new HostPort("127.0.0.1", 0),
        new HostPort("127.0.0.1", 0),
        1,
        maxConnections,
        headerTimeout,
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        null,
        accessLog,
        tls,
        null,
        null,
        null);
  }

  /** A loopback configuration with no access log and the given pinning. */
  static ServerConfig config(Path root, PinningConfig pinning) {
    return config(root, pinning, config(root).metadataMaxAge());
  }

  /** A loopback configuration with no access log, the given pinning and metadata max-age. */
  static ServerConfig config(Path root, PinningConfig pinning, Duration metadataMaxAge) {
    ServerConfig c = config(root);
    return new ServerConfig(
        root,
        c.listen(),
        c.adminListen(),
        c.ioThreads(),
        c.maxConnections(),
        c.headerTimeout(),
        c.idleTimeout(),
        c.shutdownTimeout(),
        metadataMaxAge,
        c.smallFileCache(),
        c.accessLog(),
        c.tls(),
        pinning,
        null,
        null);
  }

  /** The same configuration with another idle timeout. */
  static ServerConfig withIdleTimeout(ServerConfig c, Duration idleTimeout) {
    return copy(c, idleTimeout, c.store(), c.storeCache());
  }

  /** The same configuration, serving what a sync published into an object store. */
  static ServerConfig inStore(ServerConfig c, org.repomirror.config.StoreConfig store) {
    return copy(c, c.idleTimeout(), store, null);
  }

  private static ServerConfig copy(
      ServerConfig c,
      Duration idleTimeout,
      org.repomirror.config.StoreConfig store,
      org.repomirror.config.ByteSize storeCache) {
    return new ServerConfig(
        c.root(),
        c.listen(),
        c.adminListen(),
        c.ioThreads(),
        c.maxConnections(),
        c.headerTimeout(),
        idleTimeout,
        c.shutdownTimeout(),
        c.metadataMaxAge(),
        c.smallFileCache(),
        c.accessLog(),
        c.tls(),
        c.pinning(),
        store,
        storeCache);
  }

  static RepoServer start(Path root, AccessLog log) throws IOException {
    return RepoServer.start(config(root), log);
  }
}
