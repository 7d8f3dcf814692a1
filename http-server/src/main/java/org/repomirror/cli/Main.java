package org.repomirror.cli;

import io.netty.util.ResourceLeakDetector;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code repomirror} command line; its exit codes are in {@link ExitCodes}. */
@Command(
    name = "repomirror",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Mirror and serve Debian-style apt repositories.",
    subcommands = {
      ServeCommand.class,
      SyncCommand.class,
      PlanCommand.class,
      VerifyCommand.class,
      StatusCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Leak tracking costs a few percent per request; the test suite keeps it on.
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = run(args, out, err);
    // print() does not flush on its own; a long summary must not lose its end at exit.
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs a command line and returns its exit code; the seam tests use. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, argv) -> {
          CommandLine cmd = e.getCommandLine();
          cmd.getErr()
              .println(
                  cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage() + " (see --help)");
          return ExitCodes.USAGE;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Reads the version from the jar's manifest; "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"repomirror " + (v != null ? v : "dev")};
    }
  }
}
