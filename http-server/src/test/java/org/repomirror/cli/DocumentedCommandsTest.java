package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build commands the docs give, as a newcomer pastes them on a fresh machine, where nothing of
 * this project is in the local Maven repository yet.
 */
class DocumentedCommandsTest {
  @Test
  void aBuildOfSomeModulesAlsoBuildsWhatTheyNeed() throws Exception {
    List<String> commands = new ArrayList<>();
    List<Path> docs = new ArrayList<>(List.of(Path.of("..", "README.md")));
    try (Stream<Path> more = Files.list(Path.of("..", "docs"))) {
      more.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
    }
    for (Path doc : docs) {
      Files.readAllLines(doc).stream()
          .map(String::strip)
          .filter(l -> l.startsWith("./mvnw ") && l.contains(" -pl "))
          .forEach(l -> commands.add(doc.getFileName() + ": " + l));
    }
    assertThat(commands).as("the docs build modules with -pl").isNotEmpty();
    // Without -am, -pl sync-core looks for config in the local repository: "Could not find
    // artifact org.repomirror:config", on any machine that never installed it.
    assertThat(commands).allMatch(c -> c.contains(" -am"), "builds what the modules depend on");
  }
}
