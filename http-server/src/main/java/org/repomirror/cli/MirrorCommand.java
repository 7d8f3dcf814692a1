package org.repomirror.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.repomirror.config.InvalidValueException;
import org.repomirror.config.RepomirrorConfig;
import org.repomirror.config.SyncConfig;
import org.repomirror.fs.IoErrors;
import org.repomirror.report.RunOutcome;
import org.repomirror.sync.SyncOptions;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.trust.TrustException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What {@code sync} and {@code plan} share: the mirrors they run (a config file's, as {@code
 * --mirror} and {@code --all} choose them), each mirror's settings with the command line's options
 * over them, checked before any runs, and the runs one after the other.
 */
abstract class MirrorCommand {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin SyncFlags flags = new SyncFlags();

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path configFile;

  @Option(
      names = "--mirror",
      paramLabel = "NAME",
      description = "The mirror of the config file's mirrors list to run; repeat for several.")
  List<String> mirrorNames;

  @Option(
      names = "--all",
      description = "Every mirror of the config file's list, in order (without one: its sync).")
  boolean all;

  /**
   * Whether this run serves an upstream's push ({@code on-push}): a mirror another sync holds is
   * then no failure, since the holder runs again for the push ({@link PushRequests}).
   */
  boolean pushed;

  /** What to do for one mirror; returns how it ended. */
  @FunctionalInterface
  interface PerMirror {
    MirrorRun.Ended run(MirrorRun.Setup p, MirrorRun run) throws IOException, InterruptedException;
  }

  /**
   * Every chosen mirror checked before any runs, so that a mistake in the last one is found before
   * the first has run.
   *
   * @throws Usage naming the mirror and what is wrong
   */
  Chosen prepareAll() throws Usage {
    ConfiguredMirrors.Chosen chosen;
    try {
      chosen = ConfiguredMirrors.forRun(configFile, mirrorNames, all, flags.oneMirrorOptions());
    } catch (ConfiguredMirrors.UsageException e) {
      throw new Usage(null, e.getMessage());
    }
    List<MirrorRun.Setup> runs = new ArrayList<>();
    for (ConfiguredMirrors.Target t : chosen.targets()) runs.add(prepare(t));
    return new Chosen(chosen.file(), runs);
  }

  /** The file read, and each mirror's checked run. */
  record Chosen(RepomirrorConfig file, List<MirrorRun.Setup> runs) {}

  /** Bad usage of one mirror (or of the command when the mirror is null), said in one line. */
  static final class Usage extends Exception {
    private static final long serialVersionUID = 1L;
    private final String mirror;

    Usage(String mirror, String message) {
      super(message);
      this.mirror = mirror;
    }
  }

  /** Says why the command line cannot run, and returns the usage exit code. */
  int usage(Usage e) {
    err().println(name(e.mirror) + ": " + e.getMessage());
    return ExitCodes.USAGE;
  }

  /** One mirror's settings: the command line's options over its own, checked once. */
  private MirrorRun.Setup prepare(ConfiguredMirrors.Target t) throws Usage {
    SyncConfig c;
    try {
      c = flags.over(t.config());
      if (c.root() == null) c = c.withRoot(t.servedRoot());
      if (c.root() == null)
        throw new Usage(t.name(), "--root is required (or sync.root in the config file)");
      c.checkRunnable();
    } catch (InvalidValueException e) {
      throw new Usage(t.name(), SyncFlags.option(e.key()) + ": " + e.getMessage());
    }
    return new MirrorRun.Setup(t.name(), c, verifier(t.name(), c), SyncOptions.of(c));
  }

  private static ReleaseVerifier verifier(String mirror, SyncConfig c) throws Usage {
    if (!c.verifiesSignatures()) return null;
    try {
      return new ReleaseVerifier(Keyring.load(c.keyring()), c.allowLegacySignatures());
    } catch (IOException e) {
      throw new Usage(mirror, "cannot read the keyring: " + IoErrors.describe(e));
    } catch (TrustException e) {
      throw new Usage(mirror, e.getMessage());
    }
  }

  /**
   * Runs each mirror in order, each after the one before, whatever its outcome, until a signal
   * stops one; with several, each under a heading and all with a last line that names those that
   * did not exit 0.
   *
   * @param headings whether to head each mirror's output with its name (not when the output is one
   *     JSON document)
   * @return 0 when every mirror's run did, else the exit code of the first that did not
   */
  int each(List<MirrorRun.Setup> runs, PerMirror job, boolean headings)
      throws IOException, InterruptedException {
    int first = ExitCodes.OK;
    List<String> failed = new ArrayList<>();
    for (MirrorRun.Setup p : runs) {
      if (headings && runs.size() > 1) {
        out().println("== mirror " + p.name() + ": " + p.mirror() + " ==");
      }
      MirrorRun.Ended ended =
          job.run(p, new MirrorRun(name(p.name()), out(), err(), pushed, handed()));
      out().flush();
      if (ended.code() != ExitCodes.OK) {
        failed.add(p.name() + " (exit " + ended.code() + ")");
        if (first == ExitCodes.OK) first = ended.code();
      }
      if (ended.interrupted()) break;
    }
    if (headings && runs.size() > 1) {
      out()
          .println(
              spec.name()
                  + ": "
                  + (failed.isEmpty()
                      ? "all " + runs.size() + " mirrors done"
                      : (runs.size() - failed.size())
                          + " of "
                          + runs.size()
                          + " mirrors done; not: "
                          + String.join(", ", failed)));
    }
    return first;
  }

  /**
   * Prints the one-line reason for an outcome that is not OK on standard error, as every nonzero
   * exit does, and returns its exit code.
   */
  int exit(String mirror, RunOutcome outcome, String reason) {
    if (outcome != RunOutcome.OK) err().println(name(mirror) + ": " + outcome + ": " + reason);
    return ExitCodes.of(outcome);
  }

  /** Whether a server runs this command for the one that handed it over ({@link SyncService}). */
  boolean handed() {
    return false;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The command, and the mirror it runs when it is one of a list: {@code sync debian}. */
  String name(String mirror) {
    return mirror != null ? spec.name() + " " + mirror : spec.name();
  }
}
