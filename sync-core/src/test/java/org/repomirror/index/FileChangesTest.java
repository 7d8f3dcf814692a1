package org.repomirror.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The paths changed since the files' mark: named while they are few, unknown once too many; and the
 * mark removed with the first commit of file records that succeeds, not with one that fails.
 */
class FileChangesTest {
  private final List<Boolean> removals = new ArrayList<>();

  @Test
  void namesThePathsChangedSinceTheMarkUntilTheyAreTooMany() {
    FileChanges changes = new FileChanges(null);
    assertThat(changes.sinceMark()).as("no mark yet").isEmpty();
    changes.mark("m1", () -> {});
    changes.commit(Set.of("a", "b"), removals::add);
    changes.commit(Set.of(), removals::add);
    changes.commit(Set.of("b", "c"), removals::add);
    assertThat(removals)
        .as("the mark removed by the first commit of files only")
        .containsExactly(true, false, false);
    assertThat(changes.sinceMark().orElseThrow().changed())
        .containsExactlyInAnyOrder("a", "b", "c");
    assertThat(changes.sinceMark().orElseThrow().mark()).isEqualTo("m1");

    Set<String> many =
        IntStream.rangeClosed(0, FileChanges.MAX_PATHS)
            .mapToObj(i -> "p" + i)
            .collect(Collectors.toSet());
    changes.commit(many, removals::add);
    assertThat(changes.sinceMark()).as("too many to name").isEmpty();
    changes.mark("m2", () -> {});
    assertThat(changes.sinceMark().orElseThrow().changed()).isEmpty();
  }

  @Test
  void aMarkFoundAtOpeningIsRemovedByTheFirstCommitThatSucceeds() {
    FileChanges changes = new FileChanges("m0");
    assertThat(changes.sinceMark().orElseThrow().changed()).isEmpty();
    assertThatThrownBy(
            () ->
                changes.commit(
                    Set.of("a"),
                    remove -> {
                      removals.add(remove);
                      throw new IndexException("disk full", null);
                    }))
        .isInstanceOf(IndexException.class);
    assertThat(changes.sinceMark().orElseThrow().changed()).as("nothing written").isEmpty();
    changes.commit(new HashSet<>(Set.of("a")), removals::add);
    assertThat(removals)
        .as("the failed write's removal was not its own")
        .containsExactly(true, true);
    assertThat(changes.sinceMark().orElseThrow().changed()).containsExactly("a");
  }
}
