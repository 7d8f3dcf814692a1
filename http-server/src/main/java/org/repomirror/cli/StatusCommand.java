package org.repomirror.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.repomirror.config.ConfigException;
import org.repomirror.config.ConfigLoader;
import org.repomirror.config.MirrorConfig;
import org.repomirror.config.RepomirrorConfig;
import org.repomirror.index.Index;
import org.repomirror.index.IndexException;
import org.repomirror.report.MirrorStatus;
import org.repomirror.sync.SyncEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code repomirror status}: what the mirror holds and how its last runs went. */
@Command(
    name = "status",
    header = "Show the last runs, the suites, the totals and the free disk.",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Show the sync running now, if one is; the last runs with their outcome and timings; each suite with its Release date and size; file and byte counts, quarantined files, pending deletions and free disk. Safe while a sync runs."
    })
final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR", description = "The mirror.")
  Path root;

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

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--runs", paramLabel = "N", description = "How many runs to show (default 10).")
  int runs = 10;

  @Override
  public Integer call() throws Exception {
    Map<String, Path> mirrors = mirrors();
    if (mirrors == null) return ExitCodes.USAGE;
    int first = ExitCodes.OK;
    Map<String, String> documents = new LinkedHashMap<>();
    for (Map.Entry<String, Path> m : mirrors.entrySet()) {
      if (mirrors.size() > 1 && !json)
        out().println("== mirror " + m.getKey() + ": " + m.getValue() + " ==");
      if (!Files.isDirectory(m.getValue())) {
        spec.commandLine().getErr().println("status: " + m.getValue() + " is not a directory");
        if (first == ExitCodes.OK) first = ExitCodes.USAGE;
        continue;
      }
      MirrorStatus status = read(m.getValue());
      if (status == null) {
        if (first == ExitCodes.OK) first = ExitCodes.ABORTED;
        continue;
      }
      if (json && mirrors.size() > 1) {
        documents.put(m.getKey(), status.json());
      } else {
        out().print(json ? status.json() + "\n" : status.summary());
      }
    }
    if (!documents.isEmpty()) {
      StringBuilder all = new StringBuilder("{");
      documents.forEach(
          (name, doc) ->
              all.append(all.length() > 1 ? "," : "")
                  .append('"')
                  .append(name)
                  .append("\":")
                  .append(doc));
      out().print(all.append("}\n"));
    }
    return first;
  }

  /**
   * The mirrors to show, by name (null for the one of a file without a list); null on bad usage.
   */
  private Map<String, Path> mirrors() {
    Map<String, Path> chosen = new LinkedHashMap<>();
    if (root != null) {
      if (configFile != null || mirrorNames != null)
        return usage("give --root or --config, not both");
      chosen.put(null, root);
      return chosen;
    }
    if (configFile == null) return usage("--root DIR or --config FILE is required");
    RepomirrorConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      return usage(e.getMessage());
    }
    if (config.mirrors().isEmpty()) {
      if (mirrorNames != null) return usage("--mirror: the config file has no mirrors list");
      Path one = config.sync().root() != null ? config.sync().root() : config.server().root();
      if (one == null) return usage("the config file names no root (sync.root or server.root)");
      chosen.put(null, one);
      return chosen;
    }
    for (MirrorConfig m : config.mirrors()) {
      if (mirrorNames == null || mirrorNames.contains(m.name()))
        chosen.put(m.name(), m.sync().root());
    }
    for (String name : mirrorNames != null ? mirrorNames : List.<String>of()) {
      if (config.mirror(name).isEmpty())
        return usage("--mirror " + name + ": no such mirror in " + configFile);
    }
    return chosen;
  }

  /** A mirror's status; null after saying why it cannot be read. */
  private MirrorStatus read(Path mirror) throws java.io.IOException {
    try (Index index = Index.openReadOnly(mirror.resolve(".repomirror/index"))) {
      return MirrorStatus.read(mirror, index, runs, SyncEngine.running(mirror).orElse(null));
    } catch (IndexException e) {
      spec.commandLine().getErr().println("status: " + e.getMessage());
      return null;
    }
  }

  private java.io.PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private <T> T usage(String reason) {
    spec.commandLine().getErr().println("status: " + reason);
    return null;
  }
}
