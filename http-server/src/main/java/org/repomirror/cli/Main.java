package org.repomirror.cli;

import io.netty.util.ResourceLeakDetector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code repomirror} command line; its exit codes are in {@link ExitCodes}. */
@Command(
    name = "repomirror",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    descriptionHeading = "%n",
    description = "Mirror and serve Debian-style apt repositories.",
    optionListHeading = "%nOptions:%n",
    commandListHeading = "%nCommands:%n")
public final class Main implements Runnable {
  /** The commands, in the order help lists them. */
  private static final List<Class<?>> COMMANDS =
      List.of(
          DemoCommand.class,
          ServeCommand.class,
          SyncCommand.class,
          PlanCommand.class,
          VerifyCommand.class,
          StatusCommand.class,
          OnPushCommand.class,
          CommandLine.HelpCommand.class);

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
    return run(args, out, err, null);
  }

  /**
   * Runs a sync that a command handed to this process's server ({@link SyncService}), in this
   * process, its relative paths taken from the command's working folder.
   */
  static int runHanded(HandoffProtocol.Request request, PrintWriter out, PrintWriter err) {
    List<String> args = new java.util.ArrayList<>(request.args());
    if (args.isEmpty() || !args.getFirst().equals("sync")) {
      err.println("repomirror: the server takes syncs only, not " + args);
      return ExitCodes.USAGE;
    }
    args.add("--handed");
    return run(args.toArray(String[]::new), out, err, request.workingFolder());
  }

  /**
   * @param workingFolder what relative paths are relative to, when not this process's own
   */
  private static int run(String[] args, PrintWriter out, PrintWriter err, Path workingFolder) {
    CommandLine cli = new CommandLine(new Main());
    for (Class<?> command : commandsFor(args)) cli.addSubcommand(command);
    if (workingFolder != null) cli.registerConverter(Path.class, workingFolder::resolve);
    cli.setOut(out);
    cli.setErr(err);
    cli.setHelpSectionKeys(HELP_SECTIONS);
    cli.setParameterExceptionHandler(
        (e, argv) -> {
          CommandLine cmd = e.getCommandLine();
          cmd.getErr()
              .println(cmd.getCommandSpec().name() + ": " + usageError(e) + " (see --help)");
          return ExitCodes.USAGE;
        });
    return cli.execute(args);
  }

  /**
   * The command that the line names, alone; every command for anything else (help, a typo, an
   * option first). picocli reads each command's annotations when it is added, about 15 ms a command
   * at a start, so a run reads only its own.
   */
  private static List<Class<?>> commandsFor(String[] args) {
    if (args.length > 0 && !args[0].equals("help")) {
      for (Class<?> command : COMMANDS) {
        if (command.getAnnotation(Command.class).name().equals(args[0])) return List.of(command);
      }
    }
    return COMMANDS;
  }

  /**
   * Every command's help in one order: how to call it first, then what it does (its one-line
   * header, then the paragraphs of its description), then its options.
   */
  private static final List<String> HELP_SECTIONS =
      List.of(
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS_HEADING,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION_HEADING,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST_HEADING,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING,
          CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER);

  /** picocli's words for a value it could not convert, to be said as {@code --option: why}. */
  private static final java.util.regex.Pattern INVALID_VALUE =
      java.util.regex.Pattern.compile(
          "Invalid value for option '([^']+)': (.*)", java.util.regex.Pattern.DOTALL);

  /**
   * A usage error as the user meets it: an unknown option or command named, with what was meant
   * when something close exists, rather than picocli's "Unmatched argument at index 0".
   */
  static String usageError(CommandLine.ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
      java.util.regex.Matcher invalid = INVALID_VALUE.matcher(e.getMessage());
      return invalid.matches() ? invalid.group(1) + ": " + invalid.group(2) : e.getMessage();
    }
    String first = u.getUnmatched().getFirst();
    List<String> suggestions = u.getSuggestions();
    CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
    // picocli suggests something for anything; only a name a typo away is what was meant.
    java.util.Set<String> candidates = new java.util.LinkedHashSet<>(suggestions);
    candidates.addAll(spec.subcommands().keySet());
    String meant = closest(first, candidates);
    if (first.startsWith("-")) {
      return "unknown option '"
          + first
          + "'"
          + (meant != null ? "; did you mean " + meant + "?" : "");
    }
    if (!spec.subcommands().isEmpty()) {
      return "unknown command '"
          + first
          + "'"
          + (meant != null
              ? "; did you mean " + meant + "?"
              : "; the commands are " + String.join(", ", spec.subcommands().keySet()));
    }
    return "unexpected argument '" + first + "'";
  }

  /** The name at most two edits (insertions, deletions, changes, swaps) away, or null. */
  static String closest(String typed, java.util.Collection<String> names) {
    String best = null;
    int bestDistance = 3;
    for (String name : names) {
      int d = editDistance(typed, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Optimal string alignment distance: Levenshtein's, with a swap of neighbours one edit. */
  private static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
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
