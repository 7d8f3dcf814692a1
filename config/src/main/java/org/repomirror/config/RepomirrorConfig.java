package org.repomirror.config;

/**
 * The whole configuration file. Each section is optional and defaults as its record says.
 *
 * @param server settings of {@code repomirror serve}
 * @param sync settings of {@code repomirror sync}
 */
public record RepomirrorConfig(ServerConfig server, SyncConfig sync) {
  public RepomirrorConfig {
    server = server != null ? server : ServerConfig.defaults();
    sync = sync != null ? sync : SyncConfig.defaults();
  }

  /** A configuration with every default. */
  public static RepomirrorConfig defaults() {
    return new RepomirrorConfig(null, null);
  }
}
