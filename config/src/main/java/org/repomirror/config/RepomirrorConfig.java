package org.repomirror.config;

/**
 * The whole configuration file. Each section is optional and defaults as its record says.
 *
 * @param server settings of {@code repomirror serve}
 */
public record RepomirrorConfig(ServerConfig server) {
  public RepomirrorConfig {
    server = server != null ? server : ServerConfig.defaults();
  }

  /** A configuration with every default. */
  public static RepomirrorConfig defaults() {
    return new RepomirrorConfig(null);
  }
}
