package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    assertThat(run("--help").code()).isZero();
    Run serve = run("serve", "--help");
    assertThat(serve.code()).isZero();
    assertThat(serve.out())
        .contains("--root=DIR", "--listen=HOST:PORT", "--admin-listen", "--config");
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
}
