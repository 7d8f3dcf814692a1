package org.repomirror.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole configuration file. Each section is optional and defaults as its record says.
 *
 * @param server settings of {@code repomirror serve}
 * @param sync settings of {@code repomirror sync}: the one mirror when there is no {@code mirrors}
 *     list, else what every mirror of the list takes for the keys it does not set
 * @param mirrors several mirrors, each with its own root, synced one by one ({@code sync --all}) or
 *     by name ({@code sync --mirror NAME}); every root is resolved here, two never share or nest
 */
public record RepomirrorConfig(ServerConfig server, SyncConfig sync, List<MirrorConfig> mirrors) {
  public RepomirrorConfig {
    server = server != null ? server : ServerConfig.defaults();
    sync = sync != null ? sync : SyncConfig.defaults();
    mirrors = withRoots(mirrors != null ? mirrors : List.of(), server.root());
  }

  public RepomirrorConfig(ServerConfig server, SyncConfig sync) {
    this(server, sync, List.of());
  }

  /** A configuration with every default. */
  public static RepomirrorConfig defaults() {
    return new RepomirrorConfig(null, null, null);
  }

  /** The mirror of the list with this name. */
  public Optional<MirrorConfig> mirror(String name) {
    return mirrors.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * Every mirror with its root, its own or {@code servedRoot/NAME}, checked: no two names alike, no
   * root shared, none inside another (a sync takes everything under its root for its own).
   */
  private static List<MirrorConfig> withRoots(List<MirrorConfig> mirrors, Path servedRoot) {
    List<MirrorConfig> resolved = new ArrayList<>();
    for (int i = 0; i < mirrors.size(); i++) {
      MirrorConfig m = mirrors.get(i);
      String key = "mirrors[" + i + "]";
      Path root = m.sync().root();
      if (root == null && servedRoot == null) {
        throw new InvalidValueException(
            key + ".root",
            "required when server.root is not set (the default is server.root/" + m.name() + ")");
      }
      if (root == null) root = servedRoot.resolve(m.name());
      Path absolute = root.toAbsolutePath().normalize();
      for (int j = 0; j < resolved.size(); j++) {
        MirrorConfig other = resolved.get(j);
        if (other.name().equals(m.name())) {
          throw new InvalidValueException(
              key + ".name", "'" + m.name() + "' is the name of mirrors[" + j + "] too");
        }
        Path theirs = other.sync().root().toAbsolutePath().normalize();
        if (absolute.equals(theirs)) {
          throw new InvalidValueException(
              key + ".root",
              root
                  + " is mirror "
                  + other.name()
                  + "'s root too; each mirror needs its own (one mirror may list several dists)");
        }
        if (absolute.startsWith(theirs) || theirs.startsWith(absolute)) {
          boolean inside = absolute.startsWith(theirs);
          throw new InvalidValueException(
              key + ".root",
              root
                  + (inside ? " is inside" : " holds")
                  + " mirror "
                  + other.name()
                  + "'s root "
                  + other.sync().root()
                  + (inside
                      ? ", whose sync would take it for its own files"
                      : ", whose files this mirror's sync would take for its own")
                  + "; give each mirror a folder of its own");
        }
      }
      resolved.add(new MirrorConfig(m.name(), m.sync().withRoot(root)));
    }
    return List.copyOf(resolved);
  }
}
