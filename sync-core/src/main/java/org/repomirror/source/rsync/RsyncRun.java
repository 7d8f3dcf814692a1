package org.repomirror.source.rsync;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.repomirror.run.Ticker;
import org.repomirror.source.FetchException;
import org.repomirror.source.LocalWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the rsync binary: its standard output read line by line as it comes, its errors kept
 * in a file, and how it ended told in the terms of a fetch.
 */
final class RsyncRun {
  /** rsync's exit codes that mean the same request will fail again. */
  private static final Set<Integer> FATAL_EXITS = Set.of(1, 2, 3, 4, 5, 127);

  private static final Logger log = LoggerFactory.getLogger(RsyncRun.class);

  private RsyncRun() {}

  /**
   * How a run ended.
   *
   * @param exit rsync's exit code
   * @param errors what it wrote on standard error
   */
  record Ended(int exit, List<String> errors) {
    Ended {
      errors = List.copyOf(errors);
    }

    boolean ok() {
      return exit == 0;
    }

    /** Whether rsync said the upstream has no such file, or that it vanished while listed. */
    boolean missing(String path) {
      for (String e : errors) {
        boolean named = e.contains("\"" + path + "\"") || e.contains("/" + path + "\"");
        if (named && (e.contains("No such file or directory") || e.contains("file has vanished"))) {
          return true;
        }
      }
      return false;
    }

    /** Whether rsync said the upstream may not read the file (the daemon reads as its user). */
    boolean refused(String path) {
      for (String e : errors) {
        boolean named = e.contains("\"" + path + "\"") || e.contains("/" + path + "\"");
        if (named && e.contains("Permission denied")) return true;
      }
      return false;
    }

    /** Whether the daemon refused the run for its limit of connections at once. */
    boolean busy() {
      return exit != 0 && said().contains("max connections");
    }

    /**
     * The failure of a request this run was to answer: a full or unwritable local disk as a local
     * failure, a refusal (unknown module, access denied, bad options) as fatal, anything else
     * (connection refused or reset, timeout, a transfer broken off) as worth retrying.
     */
    IOException failure(String url) {
      String said = said();
      if (exit == 11 || said.contains("No space left on device")) {
        return new LocalWriteException(new IOException(url + ": " + said));
      }
      FetchException.Kind kind =
          FATAL_EXITS.contains(exit) && !busy()
              ? FetchException.Kind.FATAL
              : FetchException.Kind.TRANSIENT;
      return new FetchException(kind, url, 0, said, 0, null);
    }

    /**
     * What went wrong, in the words of who saw it: the daemon's refusal, else the remote shell's
     * (ssh's "Host key verification failed."), else rsync's first error.
     */
    String said() {
      String shell = null;
      String first = null;
      for (String e : errors) {
        if (e.startsWith("@ERROR")) return e.substring(1);
        if (e.isBlank()) continue;
        if (e.startsWith("rsync: ") || e.startsWith("rsync error: ")) {
          if (first == null && e.startsWith("rsync: ")) first = e;
        } else if (shell == null) {
          shell = e.strip();
        }
      }
      if (shell != null) return shell + " (exit " + exit + ")";
      if (first == null && !errors.isEmpty()) first = errors.getLast();
      if (first == null) return "rsync exited with code " + exit;
      return first.replaceFirst("^rsync: (\\[\\w+\\] )?", "rsync: ") + " (exit " + exit + ")";
    }
  }

  /**
   * Runs rsync to its end.
   *
   * @param errorFile where its standard error goes; read when it ends, then deleted
   * @param lines hears each line of its standard output as it comes
   * @param running holds the process while it runs, for a stop to end it
   * @param ticker times the run, for the debug log
   */
  static Ended run(
      List<String> argv,
      Path errorFile,
      Consumer<String> lines,
      Set<Process> running,
      Ticker ticker)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectError(errorFile.toFile());
    builder.environment().put("TZ", "UTC"); // listed mtimes in UTC
    Process p;
    long started = ticker.nanos();
    try {
      p = builder.start();
    } catch (IOException e) {
      throw new FetchException(
          FetchException.Kind.FATAL,
          argv.getLast(),
          0,
          "cannot run rsync (" + e.getMessage() + "); install it: apt-get install rsync",
          0,
          e);
    }
    running.add(p);
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) lines.accept(line);
      int exit = p.waitFor();
      log.debug("{} ended {} after {} ms", argv, exit, (ticker.nanos() - started) / 1_000_000);
      return new Ended(exit, errors(errorFile));
    } finally {
      running.remove(p);
      if (p.isAlive()) p.destroy();
      Files.deleteIfExists(errorFile);
    }
  }

  /**
   * What rsync said on standard error; nothing when the file is gone, as when the end of a run
   * cleaned staging while this run wound down.
   */
  private static List<String> errors(Path errorFile) throws IOException {
    try {
      return new String(Files.readAllBytes(errorFile), StandardCharsets.UTF_8).lines().toList();
    } catch (java.nio.file.NoSuchFileException e) {
      return List.of();
    }
  }
}
