package org.repomirror.config;

/**
 * One mirror of the {@code mirrors:} list: its name, which {@code sync --mirror}, the push command
 * {@code sync:archive:NAME} and the metrics' {@code mirror} label use, and its sync settings. In
 * the file, a mirror takes the {@code sync:} section's value for each key it does not set, but for
 * {@code root}, {@code report} and {@code store}, which are its own; its root defaults to {@code
 * server.root/NAME}.
 */
public record MirrorConfig(String name, SyncConfig sync) {
  public MirrorConfig {
    if (name == null || !name.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*")) {
      throw new InvalidValueException(
          "name",
          "must be letters, digits, '.', '_' or '-', not starting with '.', got '" + name + "'");
    }
    sync = sync != null ? sync : SyncConfig.defaults();
  }
}
