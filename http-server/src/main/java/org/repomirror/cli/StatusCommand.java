package org.repomirror.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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

  @Option(names = "--root", paramLabel = "DIR", required = true, description = "The mirror.")
  Path root;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--runs", paramLabel = "N", description = "How many runs to show (default 10).")
  int runs = 10;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(root)) {
      spec.commandLine().getErr().println("status: " + root + " is not a directory");
      return ExitCodes.USAGE;
    }
    MirrorStatus status;
    try (Index index = Index.openReadOnly(root.resolve(".repomirror/index"))) {
      status = MirrorStatus.read(root, index, runs, SyncEngine.running(root).orElse(null));
    } catch (IndexException e) {
      spec.commandLine().getErr().println("status: " + e.getMessage());
      return ExitCodes.ABORTED;
    }
    spec.commandLine().getOut().print(json ? status.json() + "\n" : status.summary());
    return 0;
  }
}
