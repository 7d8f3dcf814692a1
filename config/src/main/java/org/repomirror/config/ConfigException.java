package org.repomirror.config;

/**
 * A configuration that cannot be used. The message is one line that names the source, the line
 * (when known) and the key, e.g. {@code repomirror.yaml:7: server.max-connections: must be at least
 * 1}.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
