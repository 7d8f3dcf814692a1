package org.repomirror.cli;

import java.nio.file.Path;
import java.util.ArrayList;
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
   * A mirror a sync or plan runs.
   *
   * @param name its name in the config file's list, or null for the one mirror of a file without a
   *     list
   * @param config its settings, the {@code sync:} section's where it sets none
   * @param servedRoot where its root is when it names none: {@code server.root}
   */
  record Target(String name, SyncConfig config, Path servedRoot) {}

  /** The file read, and the mirrors chosen from it. */
  record Chosen(RepomirrorConfig file, List<Target> targets) {}

  /**
   * The mirrors a sync or plan runs, as {@code --mirror} and {@code --all} choose them: those of
   * the file's list, or, without a list, the {@code sync:} section's one mirror.
   *
   * @param configFile the file, or null for none (the defaults, and the command line's options)
   * @param names the mirrors named with {@code --mirror}, or null
   * @param oneMirrorOptions the options given that set one mirror's own settings ({@code --root}
   *     and the like): refused with several mirrors
   */
  static Chosen forRun(
      Path configFile, List<String> names, boolean all, List<String> oneMirrorOptions)
      throws UsageException {
    RepomirrorConfig file;
    try {
      file = configFile != null ? ConfigLoader.load(configFile) : RepomirrorConfig.defaults();
    } catch (ConfigException e) {
      throw new UsageException(e.getMessage());
    }
    List<MirrorConfig> listed = file.mirrors();
    if (all && names != null) throw new UsageException("give --mirror NAME or --all, not both");
    if (listed.isEmpty()) {
      if (names != null) {
        throw new UsageException(
            "--mirror: "
                + (configFile == null ? "no --config file" : "the config file has no mirrors list")
                + " to choose from; without one, the sync section is the one mirror");
      }
      return new Chosen(file, List.of(new Target(null, file.sync(), file.server().root())));
    }
    if (!all && names == null) {
      throw new UsageException(
          "the config file lists mirrors ("
              + String.join(", ", listed.stream().map(MirrorConfig::name).toList())
              + "): give --mirror NAME or --all");
    }
    List<Target> targets = new ArrayList<>();
    for (MirrorConfig m : all ? listed : named(file, configFile, names)) {
      targets.add(new Target(m.name(), m.sync(), file.server().root()));
    }
    if (targets.size() > 1 && !oneMirrorOptions.isEmpty()) {
      throw new UsageException(
          oneMirrorOptions.getFirst()
              + " is one mirror's setting: give it in the mirror's entry, or run one mirror");
    }
    return new Chosen(file, targets);
  }

  /** The mirrors of the list by the names given, each once, in the order given. */
  private static List<MirrorConfig> named(
      RepomirrorConfig file, Path configFile, List<String> names) throws UsageException {
    List<MirrorConfig> chosen = new ArrayList<>();
    List<String> known = file.mirrors().stream().map(MirrorConfig::name).toList();
    for (String name : new java.util.LinkedHashSet<>(names)) {
      MirrorConfig m = file.mirror(name).orElse(null);
      if (m == null) {
        String meant = Main.closest(name, known);
        throw new UsageException(
            "--mirror "
                + name
                + ": no such mirror in "
                + configFile
                + (meant != null
                    ? "; did you mean " + meant + "?"
                    : "; its mirrors are " + String.join(", ", known)));
      }
      chosen.add(m);
    }
    return chosen;
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
