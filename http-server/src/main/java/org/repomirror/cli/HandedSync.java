package org.repomirror.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * The quick way in for {@code sync --root DIR ...} when a {@code serve} of DIR takes syncs: the
 * launchers start this class, in a JVM without the sync's class data, which would load every class
 * a sync needs, and it hands the command line over ({@link SyncHandoff}) and relays the answer.
 * Anything else, or no server there after all, goes to {@link Main} as usual.
 */
public final class HandedSync {
  private HandedSync() {}

  public static void main(String[] args) {
    Path root = root(args);
    if (root == null) {
      Main.main(args);
      return;
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    OptionalInt code = SyncHandoff.handOff(root, List.of(args), out, err);
    if (code.isEmpty()) {
      Main.main(args);
      return;
    }
    out.flush();
    err.flush();
    System.exit(code.getAsInt());
  }

  /**
   * The tree a sync's command line names, when it is one to hand over here: not one that waits for
   * {@code --at} first, is to run {@code --in-process}, or reads a config file (which {@link
   * SyncCommand} checks first); null otherwise.
   */
  static Path root(String[] args) {
    if (args.length == 0 || !args[0].equals("sync")) return null;
    String root = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--in-process")
          || arg.equals("--at")
          || arg.startsWith("--at=")
          || arg.equals("--config")
          || arg.startsWith("--config=")) {
        return null;
      } else if (arg.equals("--root") && i + 1 < args.length) {
        root = args[++i];
      } else if (arg.startsWith("--root=")) {
        root = arg.substring("--root=".length());
      }
    }
    return root != null ? Path.of(root) : null;
  }
}
