package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpOnEveryCommand() {
    Run top = run("--help");
    assertThat(top.code()).isZero();
    // The commands the top-level help lists: every one must answer --help with its own usage.
    Pattern entry = Pattern.compile("^  ([a-z-]+) ");
    List<String> listed =
        top.out()
            .lines()
            .dropWhile(l -> !l.equals("Commands:"))
            .map(entry::matcher)
            .filter(Matcher::find)
            .map(m -> m.group(1))
            .toList();
    assertThat(listed)
        .containsExactly("demo", "serve", "sync", "plan", "verify", "status", "on-push", "help");
    for (String command : listed) {
      Run r = run(command, "--help");
      assertThat(r.code()).as(command + " --help").isZero();
      assertThat(r.err()).as(command + " --help").isEmpty();
      if (command.equals("help")) continue; // picocli's own, tested by the top-level help above
      assertThat(r.out())
          .as(command + " --help")
          .contains("Usage: repomirror " + command + " ")
          .contains("--help");
    }
    assertThat(run("serve", "--help").out())
        .contains("--root=DIR", "--listen=HOST:PORT", "--admin-listen", "--config");
    assertThat(run("sync", "--help").out())
        .contains("--upstream", "--dist", "--mode", "--final", "--mirror", "--all");
    assertThat(run("plan", "--help").out()).contains("--upstream", "--json");
    assertThat(run("verify", "--help").out()).contains("--full", "--root");
    assertThat(run("status", "--help").out()).contains("--json", "--runs");
    assertThat(run("on-push", "--help").out()).contains("--config", "SSH_ORIGINAL_COMMAND");
  }

  @Test
  void badUsageIsExit2WithOneLine() {
    for (String[] args :
        new String[][] {
          {"serve", "--bogus"},
          {"serve"},
          {"serve", "--root", "/definitely/not/here"},
          {"serve", "--root", "/tmp", "--listen", "nope"},
          {"frobnicate"},
          {},
        }) {
      Run r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    }
  }

  @Test
  void badConfigIsExit2NamingKeyAndLine() throws Exception {
    Path config = tmp.resolve("c.yaml");
    Files.writeString(config, "server:\n  listen: :8080\n  idle-timeout: forever\n");
    Run r = run("serve", "--config", config.toString(), "--root", tmp.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("serve: " + config + ":3: server.idle-timeout: expected a duration");
  }

  @Test
  void errorsSpeakTheUsersLanguageAndSuggestWhatWasMeant() throws Exception {
    Run option = run("sync", "--dists", "dists/stable");
    assertThat(option.code()).isEqualTo(2);
    assertThat(option.err().strip())
        .isEqualTo("sync: unknown option '--dists'; did you mean --dist? (see --help)");
    Run command = run("snyc");
    assertThat(command.code()).isEqualTo(2);
    assertThat(command.err().strip())
        .isEqualTo("repomirror: unknown command 'snyc'; did you mean sync? (see --help)");
    Run nothingLike = run("frobnicate");
    assertThat(nothingLike.err().strip())
        .isEqualTo(
            "repomirror: unknown command 'frobnicate'; the commands are demo, serve, sync,"
                + " plan, verify, status, on-push, help (see --help)");
    assertThat(option.err() + command.err() + nothingLike.err())
        .doesNotContain("Unmatched")
        .doesNotContain("index 0");
  }

  @Test
  void aListKeyGivenOneValueSaysAListIsExpected() throws Exception {
    Path config = tmp.resolve("c.yaml");
    Files.writeString(config, "sync:\n  dists: dists/stable\n");
    Run r = run("sync", "--config", config.toString(), "--root", tmp.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo("sync: " + config + ":2: sync.dists: expected a list (- item lines or [a, b])");
  }

  @Test
  void aDistOutsideADistsFolderIsBadUsage() {
    Run r =
        run(
            "sync",
            "--root",
            tmp.toString(),
            "--upstream",
            "http://127.0.0.1:9/",
            "--dist",
            "stable",
            "--no-verify-signature");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "sync: --dist: 'stable' is not a dists folder; give the path from the upstream root,"
                + " e.g. dists/stable");
  }
}
