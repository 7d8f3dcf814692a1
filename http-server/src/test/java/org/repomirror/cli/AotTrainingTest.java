package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The run the launcher's build trains the start-up cache on: every command in it must end with exit
 * code 0 (else the training stops there, the cache holds less, and every start is slower), on a
 * suite smaller than the build's.
 */
class AotTrainingTest {
  @Test
  void everyCommandOfTheTrainingSucceedsAndItLeavesNothingBehind() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> before = trainingFolders(tmp);

    List<List<String>> ran = AotTraining.train(40);

    assertThat(ran.stream().map(List::getFirst))
        .containsExactly(
            "plan", "sync", "sync", "sync", "status", "verify", "sync", "sync", "sync", "sync",
            "sync");
    assertThat(ran.get(3)).as("the final sync").contains("--final");
    assertThat(ran.get(6)).as("a tree from a directory").contains("--mode", "tree");
    assertThat(ran.get(9).get(ran.get(9).indexOf("--upstream") + 1))
        .as("a tree from a served mirror")
        .startsWith("http://127.0.0.1:");
    assertThat(trainingFolders(tmp)).isEqualTo(before);
  }

  /** What the launcher compares with the release file of the JDK it runs. */
  @Test
  void itNamesTheJdkInTheWordsOfThatJdksReleaseFile() throws Exception {
    List<String> release = Files.readAllLines(Path.of(System.getProperty("java.home"), "release"));
    assertThat(AotTraining.jdk().lines())
        .hasSize(2)
        .allSatisfy(line -> assertThat(release).contains(line));
  }

  private static List<Path> trainingFolders(Path tmp) throws Exception {
    try (Stream<Path> list = Files.list(tmp)) {
      return list.filter(p -> p.getFileName().toString().startsWith("repomirror-aot-training-"))
          .sorted()
          .toList();
    }
  }
}
