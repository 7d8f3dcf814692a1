package org.repomirror.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.repomirror.config.ConfigException;
import org.repomirror.config.ConfigLoader;
import org.repomirror.config.MirrorConfig;
import org.repomirror.config.RepomirrorConfig;
import org.repomirror.config.SyncConfig;
import picocli.CommandLine.Option;

/**
 * The mirrors a read-only command ({@code status}, {@code verify}) looks at, as {@code --config}
 * and {@code --mirror} choose them: every mirror of the file's list, or those named; without a
 * list, the file's one mirror. Each with its settings, its root resolved.
 */
final class ConfiguredMirrors {
  private ConfiguredMirrors() {}

  /** The options that choose them, for a command to mix in. */
  static final class Options {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "YAML configuration file: its mirror, or every mirror of its list.")
    Path configFile;

    @Option(
        names = "--mirror",
        paramLabel = "NAME",
        description = "With --config: only this mirror of the list; repeat for several.")
    List<String> mirrorNames;
  }

  /** Bad usage, said in one line. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * @param names the mirrors named with {@code --mirror}, or null for every one
   * @return each mirror's settings by name (the one key null for a file without a list)
   */
  static Map<String, SyncConfig> choose(Path configFile, List<String> names) throws UsageException {
    RepomirrorConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      throw new UsageException(e.getMessage());
    }
    Map<String, SyncConfig> chosen = new LinkedHashMap<>();
    if (config.mirrors().isEmpty()) {
      if (names != null) throw new UsageException("--mirror: the config file has no mirrors list");
      Path root = config.sync().root() != null ? config.sync().root() : config.server().root();
      if (root == null) {
        throw new UsageException("the config file names no root (sync.root or server.root)");
      }
      chosen.put(null, config.sync().withRoot(root));
      return chosen;
    }
    for (String name : names != null ? names : List.<String>of()) {
      if (config.mirror(name).isEmpty()) {
        throw new UsageException("--mirror " + name + ": no such mirror in " + configFile);
      }
    }
    for (MirrorConfig m : config.mirrors()) {
      if (names == null || names.contains(m.name())) chosen.put(m.name(), m.sync());
    }
    return chosen;
  }
}
