package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve in a JVM of its own, started and stopped with SIGTERM as systemd does: its program log is
 * lines of text by default, and one JSON object per line with {@code REPOMIRROR_LOG_FORMAT=json};
 * either way it says when it started and when it stopped.
 */
class LogFormatTest {
  @TempDir Path tmp;

  @Test
  void textByDefault() throws Exception {
    List<String> lines = serveAndStop(null);
    assertThat(lines).anyMatch(l -> l.matches("\\S+Z INFO  ServeCommand - serving .*"));
    assertThat(lines).anyMatch(l -> l.matches("\\S+Z INFO  RepoServer - stopped serving .*"));
    assertThat(lines).noneMatch(l -> l.startsWith("{")).noneMatch(l -> l.contains("|-INFO"));
  }

  @Test
  void oneJsonObjectPerLineWhenAsked() throws Exception {
    List<String> lines = serveAndStop("json");
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      assertThat(line).as("a line of the JSON log").startsWith("{").endsWith("}");
      events.add(json.readTree(line)); // a whole object
    }
    assertThat(events)
        .anyMatch(
            e ->
                e.path("level").asText().equals("INFO")
                    && e.path("loggerName").asText().endsWith("ServeCommand")
                    && e.path("formattedMessage").asText().startsWith("serving /"))
        .anyMatch(e -> e.path("formattedMessage").asText().startsWith("stopped serving "));
    assertThat(events).allMatch(e -> e.has("timestamp"));
  }

  private List<String> serveAndStop(String format) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Path log = tmp.resolve("serve-" + format + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", // as the jar's manifest says
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--root",
                root.toString(),
                "--listen",
                "127.0.0.1:0",
                "--admin-listen",
                "127.0.0.1:0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().remove("REPOMIRROR_LOG_FORMAT");
    if (format != null) pb.environment().put("REPOMIRROR_LOG_FORMAT", format);
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(log).contains("serving ") && System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
      Thread.sleep(50);
    }
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    List<String> lines =
        Files.readAllLines(log).stream()
            .filter(l -> !l.startsWith("WARNING:")) // the JVM's own, not the program's log
            .toList();
    assertThat(lines).as("the log").isNotEmpty();
    return lines;
  }
}
