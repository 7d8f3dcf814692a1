package org.repomirror.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of {@code repomirror serve}. A null argument takes the default written next to its key;
 * every value is validated here, so an instance is always usable.
 *
 * @param root the served tree; null only until the command line supplies it
 * @param listen the public HTTP listener
 * @param adminListen the listener for {@code /health} and {@code /metrics}
 * @param ioThreads event-loop threads; 0 means one per core
 * @param maxConnections open public connections beyond which new ones are closed at once
 * @param headerTimeout how long a client may take to send a complete request head
 * @param idleTimeout how long a connection may stay idle (no progress either way)
 * @param shutdownTimeout how long in-flight responses may take to finish on SIGTERM
 * @param metadataMaxAge {@code Cache-Control} max-age of {@code dists/} metadata, listings and
 *     files outside {@code pool/} and {@code by-hash/}
 * @param smallFileCache bytes of memory for the contents of small, often requested files (up to 16
 *     KiB each, such as Release files); 0 turns the cache off
 * @param accessLog where the combined-format access log goes
 * @param tls TLS for the public listener, or null for plain HTTP
 * @param pinning how clients are pinned to one generation of a suite's metadata
 * @param store serve the tree a sync published into an S3-compatible object store, rather than
 *     {@code root}; {@code root} is then this node's cache of the store's objects
 * @param storeCache the most bytes of objects a node keeps in its cache
 */
public record ServerConfig(
    Path root,
    HostPort listen,
    HostPort adminListen,
    Integer ioThreads,
    Integer maxConnections,
    Duration headerTimeout,
    Duration idleTimeout,
    Duration shutdownTimeout,
    Duration metadataMaxAge,
    ByteSize smallFileCache,
    AccessLogTarget accessLog,
    TlsConfig tls,
    PinningConfig pinning,
    StoreConfig store,
    ByteSize storeCache) {

  public static final HostPort DEFAULT_LISTEN = new HostPort("0.0.0.0", 8080);
  public static final HostPort DEFAULT_ADMIN_LISTEN = new HostPort("127.0.0.1", 9180);
  public static final int DEFAULT_IO_THREADS = 0;
  public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_METADATA_MAX_AGE = Duration.ofSeconds(60);
  public static final ByteSize DEFAULT_SMALL_FILE_CACHE = new ByteSize(64L << 20);
  public static final ByteSize DEFAULT_STORE_CACHE = new ByteSize(8L << 30);

  public ServerConfig {
    listen = listen != null ? listen : DEFAULT_LISTEN;
    adminListen = adminListen != null ? adminListen : DEFAULT_ADMIN_LISTEN;
    ioThreads = ioThreads != null ? ioThreads : DEFAULT_IO_THREADS;
    maxConnections = maxConnections != null ? maxConnections : DEFAULT_MAX_CONNECTIONS;
    headerTimeout = headerTimeout != null ? headerTimeout : DEFAULT_HEADER_TIMEOUT;
    idleTimeout = idleTimeout != null ? idleTimeout : DEFAULT_IDLE_TIMEOUT;
    shutdownTimeout = shutdownTimeout != null ? shutdownTimeout : DEFAULT_SHUTDOWN_TIMEOUT;
    metadataMaxAge = metadataMaxAge != null ? metadataMaxAge : DEFAULT_METADATA_MAX_AGE;
    smallFileCache = smallFileCache != null ? smallFileCache : DEFAULT_SMALL_FILE_CACHE;
    accessLog = accessLog != null ? accessLog : AccessLogTarget.STDOUT;
    pinning = pinning != null ? pinning : PinningConfig.defaults();
    storeCache = storeCache != null ? storeCache : DEFAULT_STORE_CACHE;

    if (ioThreads < 0 || ioThreads > 1024) {
      throw new InvalidValueException("io-threads", "must be 0..1024, got " + ioThreads);
    }
    if (maxConnections < 1) {
      throw new InvalidValueException(
          "max-connections", "must be at least 1, got " + maxConnections);
    }
    requirePositive("header-timeout", headerTimeout);
    requirePositive("idle-timeout", idleTimeout);
    requirePositive("shutdown-timeout", shutdownTimeout);
    if (metadataMaxAge.isNegative()) {
      throw new InvalidValueException("metadata-max-age", "must not be negative");
    }
  }

  /** All defaults, and no root. */
  public static ServerConfig defaults() {
    return new ServerConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** This configuration with the command line's values put over it; a null argument keeps ours. */
  public ServerConfig withOverrides(Path root, HostPort listen, HostPort adminListen) {
    return withOverrides(root, listen, adminListen, null);
  }

  /** This configuration with the command line's values put over it; a null argument keeps ours. */
  public ServerConfig withOverrides(
      Path root, HostPort listen, HostPort adminListen, StoreConfig store) {
    return new ServerConfig(
        root != null ? root : this.root,
        listen != null ? listen : this.listen,
        adminListen != null ? adminListen : this.adminListen,
        ioThreads,
        maxConnections,
        headerTimeout,
        idleTimeout,
        shutdownTimeout,
        metadataMaxAge,
        smallFileCache,
        accessLog,
        tls,
        pinning,
        store != null ? store : this.store,
        storeCache);
  }

  private static void requirePositive(String key, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new InvalidValueException(key, "must be positive, got " + Durations.format(d));
    }
  }
}
