package org.repomirror.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs the command line in-process, as the tests do, capturing what it prints. */
public final class Cli {
  private Cli() {}

  /** An exit code and what went to standard output and standard error. */
  public record Run(int code, String out, String err) {
    public String all() {
      return out + err;
    }
  }

  public static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  public static Run run(List<String> args) {
    return run(args.toArray(String[]::new));
  }
}
