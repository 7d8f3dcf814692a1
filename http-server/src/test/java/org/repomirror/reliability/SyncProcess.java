package org.repomirror.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.repomirror.cli.Main;

/** The command line in a JVM of its own, so that a test can kill it with SIGKILL. */
public final class SyncProcess {
  private SyncProcess() {}

  /**
   * @param crashPoint where the process kills itself ({@code <point>:<n>}), or null for nowhere
   * @param output where its output goes, or null to drop it
   */
  public static Process start(List<String> args, String crashPoint, Path output)
      throws IOException {
    return start(args, crashPoint, output, java.util.Map.of());
  }

  /**
   * @param environment more of the process's environment (an object store's credentials)
   */
  public static Process start(
      List<String> args, String crashPoint, Path output, java.util.Map<String, String> environment)
      throws IOException {
    return start(args, crashPoint, output, environment, null);
  }

  /**
   * @param workingFolder where it runs, for relative paths; null for the test's own
   */
  public static Process start(
      List<String> args,
      String crashPoint,
      Path output,
      java.util.Map<String, String> environment,
      Path workingFolder)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Xshare:auto");
    // RocksDB's library as the build unpacked it: a killed process leaves no copy of it in /tmp.
    Path natives = Path.of("target", "native").toAbsolutePath();
    if (java.nio.file.Files.isRegularFile(natives.resolve("librocksdbjni-linux64.so"))) {
      command.add("-Djava.library.path=" + natives.toAbsolutePath());
    }
    if (crashPoint != null) command.add("-Drepomirror.crash-at=" + crashPoint);
    command.add(Main.class.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    if (workingFolder != null) builder.directory(workingFolder.toFile());
    return builder
        .redirectErrorStream(true)
        .redirectOutput(
            output == null
                ? ProcessBuilder.Redirect.DISCARD
                : ProcessBuilder.Redirect.to(output.toFile()))
        .start();
  }
}
