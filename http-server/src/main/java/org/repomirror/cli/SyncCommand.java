package org.repomirror.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.repomirror.config.SyncConfig;
import org.repomirror.fs.IoErrors;
import org.repomirror.report.SyncReport;
import org.repomirror.sync.MirrorLayout;
import org.repomirror.sync.SyncEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code repomirror sync}: mirrors apt suites, or the whole tree, from an upstream, verified. */
@Command(
    name = "sync",
    header = "Mirror apt suites, or a whole tree, every file verified.",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Mirror apt suites from an HTTP upstream: every file verified against the signed Release, fetched in parallel into staging, then published so that no client sees half a suite. With --mode tree, also everything else under the upstream root, from a directory (file://), a peer repomirror's manifest or directory index pages.",
      "",
      "With a config file's mirrors list, --mirror NAME runs that mirror and --all every one, in order.",
      "",
      "--final makes it the cutover's sync: refused while the upstream updates, suites re-run when their Release changes, everything touched verified, and a verdict at the end.",
      "",
      "Exit codes: 0 ok (for --final: identical to upstream), 1 completed with problems, 2 usage or config, 3 trust failure, 4 aborted with the published tree intact or another sync holds the mirror, 5 refused to start: the upstream is being updated."
    })
final class SyncCommand extends MirrorCommand implements Callable<Integer> {

  @Option(
      names = "--final",
      description = "The final sync before a cutover: verify everything, end with a verdict.")
  boolean finalSync;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      description = {
        "Wait until TIME, then run: an ISO-8601 time",
        "with a zone, e.g. 2026-11-27T17:00:00Z."
      })
  String at;

  @Option(
      names = "--policy",
      paramLabel = "POLICY",
      description = "strict (default) or mirror-as-is.")
  void policy(String value) {
    flags.policy = value;
  }

  @Option(
      names = "--allow-errors",
      paramLabel = "N",
      description = "Publish a suite with up to N bad files.")
  void allowErrors(int value) {
    flags.allowErrors = value;
  }

  @Option(
      names = "--hostname",
      paramLabel = "NAME",
      description = "Names the trace file project/trace/NAME (default: this machine's).")
  void hostname(String value) {
    flags.hostname = value;
  }

  @Option(
      names = "--metrics-file",
      paramLabel = "FILE",
      description =
          "After the run, write the sync's metrics here for node_exporter's textfile collector"
              + " (a .prom file in its folder).")
  Path metricsFile;

  @Option(
      names = "--in-process",
      description =
          "Run in this process even when a serve runs for the tree; without it, the sync goes to"
              + " that server, which runs it in its warm JVM.")
  boolean inProcess;

  @Option(names = "--handed", hidden = true, description = "Set by the server a sync is handed to.")
  boolean handedOver;

  /** Where the wait for {@code --at} takes its time from; tests set another. */
  Clock clock = Clock.systemUTC();

  /** How the wait for {@code --at} sleeps; tests set another. */
  StartAt.Sleeper sleeper = StartAt.Sleeper.SYSTEM;

  @Override
  public Integer call() throws Exception {
    Chosen chosen;
    Instant start;
    try {
      start = at != null ? startAt() : null;
      if (start == null) {
        OptionalInt handed = handOff();
        if (handed.isPresent()) return handed.getAsInt();
      }
      chosen = prepareAll();
    } catch (Usage e) {
      return usage(e);
    }
    if (start != null) {
      new StartAt(clock, sleeper, System.console() != null, out()).waitUntil(start);
      OptionalInt handed = handOff();
      if (handed.isPresent()) return handed.getAsInt();
    }
    List<MirrorRun.Setup> runs = chosen.runs();
    int code = each(runs, this::syncUntilCurrent, true);
    if (metricsFile != null) {
      writeMetricsFile(
          runs.size() == 1 && runs.getFirst().name() == null
              ? new SyncMetrics(runs.getFirst().mirror(), Clock.systemUTC())
              : SyncMetrics.of(chosen.file(), null, Clock.systemUTC()));
    }
    return code;
  }

  /**
   * Hands the sync to the {@code serve} running for its tree, if one does ({@link SyncHandoff});
   * with a config file, when every mirror it runs has that tree. A run with {@code --at} has waited
   * already and hands over the rest of its command line.
   *
   * @return the sync's exit code; empty when this process runs it
   */
  private OptionalInt handOff() {
    if (inProcess || handedOver) return OptionalInt.empty();
    Path root = flags.root;
    if (configFile != null) {
      try {
        root = sharedRoot(ConfiguredMirrors.forRun(configFile, mirrorNames, all, List.of()));
      } catch (ConfiguredMirrors.UsageException | RuntimeException e) {
        return OptionalInt.empty(); // Said, in the words the run uses, by the run itself.
      }
    }
    if (root == null) return OptionalInt.empty();
    List<String> args = new ArrayList<>();
    boolean skip = false;
    List<String> given = spec.commandLine().getParseResult().originalArgs();
    for (String arg : given.subList(Math.max(0, given.indexOf("sync")), given.size())) {
      if (skip) {
        skip = false;
      } else if (arg.equals("--at")) {
        skip = true;
      } else if (!arg.startsWith("--at=")) {
        args.add(arg);
      }
    }
    return SyncHandoff.handOff(root, args, out(), err());
  }

  @Override
  boolean handed() {
    return handedOver;
  }

  /**
   * The tree every chosen mirror has, {@code --root} over the config file's; null when they have
   * several, or when the file names a path (that the command line does not replace) relative to the
   * command's folder, which the server would take as relative to its own.
   */
  private Path sharedRoot(ConfiguredMirrors.Chosen chosen) {
    Path shared = null;
    for (ConfiguredMirrors.Target t : chosen.targets()) {
      SyncConfig c = t.config();
      Path root = flags.root != null ? flags.root : c.root() != null ? c.root() : t.servedRoot();
      if (root == null || (shared != null && !shared.equals(root))) return null;
      List<Path> fromFile = new ArrayList<>();
      if (flags.root == null) fromFile.add(root);
      if (flags.keyring == null) fromFile.add(c.keyring());
      if (flags.report == null) fromFile.add(c.report());
      if (c.store() != null) fromFile.add(c.store().credentialsFile());
      for (Path p : fromFile) {
        if (p != null && !p.isAbsolute()) return null;
      }
      shared = root;
    }
    return shared;
  }

  /** When {@code --at} says to start: a time to come. */
  private Instant startAt() throws Usage {
    Instant start;
    try {
      start = StartAt.parse(at);
    } catch (DateTimeParseException e) {
      throw new Usage(null, "--at: not an ISO-8601 time with a zone or offset: " + at);
    }
    Instant now = clock.instant();
    if (!start.isAfter(now)) {
      throw new Usage(
          null,
          "--at "
              + at
              + " is "
              + StartAt.format(java.time.Duration.between(start, now))
              + " ago; give a time to come, or leave --at out to start now");
    }
    return start;
  }

  /**
   * Syncs a mirror, and again while an upstream's push came in during the run ({@link
   * PushRequests}), at most {@link PushRequests#MAX_RUNS} times in all. A run takes the request
   * once it has the mirror's index, which no other run can then open.
   */
  private MirrorRun.Ended syncUntilCurrent(MirrorRun.Setup p, MirrorRun run)
      throws IOException, InterruptedException {
    if (pushed) PushRequests.request(p.mirror(), Instant.now());
    MirrorRun.Ended ended;
    int runs = 0;
    while (true) {
      ended =
          run.run(
              p,
              engine -> {
                PushRequests.take(p.mirror());
                return syncOnce(p, engine);
              });
      runs++;
      if (ended.busy()
          || ended.interrupted()
          || runs >= PushRequests.MAX_RUNS
          || !PushRequests.pending(p.mirror())) {
        return ended;
      }
      out().println(name(p.name()) + ": the upstream pushed again during the run: syncing again");
    }
  }

  private int syncOnce(MirrorRun.Setup p, SyncEngine engine)
      throws IOException, InterruptedException {
    if (finalSync) engine.finalSync();
    SyncReport result = engine.run();
    out().print(result.summary());
    writeReports(p, result);
    return exit(p.name(), result.outcome(), result.reason());
  }

  /**
   * Writes the metrics {@code serve} shows of the sync to {@code --metrics-file}, whole or not at
   * all (a temporary file renamed over it), as node_exporter's textfile collector wants.
   */
  private void writeMetricsFile(SyncMetrics metrics) {
    Path temporary = metricsFile.resolveSibling("." + metricsFile.getFileName() + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        metrics.writeText(out);
      }
      Files.move(
          temporary,
          metricsFile,
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      err().println(name(null) + ": cannot write --metrics-file: " + IoErrors.describe(e));
    }
  }

  private void writeReports(MirrorRun.Setup p, SyncReport result) throws IOException {
    Path reports = Files.createDirectories(new MirrorLayout(p.mirror()).reports());
    result.writeJson(
        reports.resolve(
            (finalSync ? "final-" : "sync-")
                + Instant.now().toString().replace(':', '-')
                + ".json"));
    if (p.config().report() != null) result.writeJson(p.config().report());
  }
}
