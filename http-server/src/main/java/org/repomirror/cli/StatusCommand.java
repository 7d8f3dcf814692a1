package org.repomirror.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.repomirror.fs.IoErrors;
import org.repomirror.index.Index;
import org.repomirror.index.IndexException;
import org.repomirror.report.MirrorStatus;
import org.repomirror.sync.MirrorLayout;
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

  @CommandLine.Mixin ConfiguredMirrors.Options choice;

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
      if (choice.configFile != null || choice.mirrorNames != null)
        return usage("give --root or --config, not both");
      chosen.put(null, root);
      return chosen;
    }
    if (choice.configFile == null) return usage("--root DIR or --config FILE is required");
    try {
      ConfiguredMirrors.choose(choice.configFile, choice.mirrorNames)
          .forEach((name, c) -> chosen.put(name, c.root()));
    } catch (ConfiguredMirrors.UsageException e) {
      return usage(e.getMessage());
    }
    return chosen;
  }

  /** A mirror's status; null after saying why it cannot be read. */
  private MirrorStatus read(Path mirror) {
    try (Index index = Index.openReadOnly(new MirrorLayout(mirror).index());
        OpenedTree tree = OpenedTree.of(mirror)) {
      return MirrorStatus.read(
          tree.files(), mirror, index, runs, SyncEngine.running(mirror).orElse(null));
    } catch (IndexException e) {
      spec.commandLine().getErr().println("status: " + e.getMessage());
      return null;
    } catch (java.io.IOException e) {
      spec.commandLine().getErr().println("status: " + IoErrors.describe(e));
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
