package org.repomirror.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.repomirror.config.ConfigException;
import org.repomirror.config.ConfigLoader;
import org.repomirror.config.MirrorConfig;
import org.repomirror.config.RepomirrorConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code repomirror on-push}: the command an upstream's push runs, as the forced command of its ssh
 * key, the way ftpsync is run by Debian's push mirroring.
 */
@Command(
    name = "on-push",
    header = "Sync the mirrors an upstream's push names: an ssh forced command.",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Run by sshd as the forced command of the upstream's key, it reads the sync flags the upstream sent (SSH_ORIGINAL_COMMAND, as ftpsync does) and syncs: sync:archive:NAME the mirror NAME of the config file's list, sync:all (or no archive) every mirror. Flags given here are added to the upstream's. A push that comes while a sync runs makes that sync run again when it is done. Anything but sync flags is refused and runs nothing.",
      "",
      "Exit codes: those of sync; 2 for flags that are refused."
    })
final class OnPushCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      required = true,
      description = "YAML configuration file.")
  Path configFile;

  @Parameters(paramLabel = "FLAG", description = "Sync flags, after the upstream's.")
  List<String> flags = List.of();

  /** Where {@code SSH_ORIGINAL_COMMAND} and {@code SSH_CLIENT} come from; tests set another. */
  Map<String, String> environment = System.getenv();

  @Override
  public Integer call() {
    PushFlags push;
    try {
      push = PushFlags.parse(PushFlags.words(environment.get("SSH_ORIGINAL_COMMAND"), flags));
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    RepomirrorConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      return usage(e.getMessage());
    }
    for (String name : push.archives()) {
      if (config.mirror(name).isEmpty()) {
        return usage(
            "sync:archive:"
                + name
                + ": "
                + (config.mirrors().isEmpty()
                    ? "the config file has no mirrors list; name the mirror " + name + " in one"
                    : "no such mirror; its mirrors are "
                        + String.join(
                            ", ", config.mirrors().stream().map(MirrorConfig::name).toList())));
      }
    }
    String client = environment.get("SSH_CLIENT");
    spec.commandLine()
        .getOut()
        .println(
            "on-push: "
                + (push.archives().isEmpty() ? "every mirror" : String.join(", ", push.archives()))
                + (client != null ? ", pushed from " + client.split(" ")[0] : ""));
    push.notes().forEach(note -> spec.commandLine().getOut().println("on-push: " + note));
    List<String> args = new ArrayList<>(List.of("--config", configFile.toString()));
    if (push.archives().isEmpty()) {
      args.add("--all");
    } else {
      push.archives().forEach(name -> args.addAll(List.of("--mirror", name)));
    }
    SyncCommand sync = new SyncCommand();
    sync.pushed = true;
    CommandLine command = new CommandLine(sync);
    command.setOut(spec.commandLine().getOut());
    command.setErr(spec.commandLine().getErr());
    return command.execute(args.toArray(String[]::new));
  }

  private int usage(String reason) {
    spec.commandLine().getErr().println("on-push: " + reason);
    return ExitCodes.USAGE;
  }
}
