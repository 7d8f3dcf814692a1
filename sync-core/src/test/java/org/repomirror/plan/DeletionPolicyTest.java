package org.repomirror.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeletionPolicyTest {
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void whatASuiteDropsIsMarkedUnlessAnotherSuiteOrThisRunWantsIt() {
    DeletionPolicy.Marks m =
        DeletionPolicy.marks(
            Set.of("pool/old", "pool/shared", "pool/kept", "pool/already"),
            Set.of("pool/kept", "pool/back"),
            p -> p.equals("pool/shared"),
            Map.of("pool/already", 5L, "pool/back", 6L));
    assertThat(m.toMark()).containsExactly("pool/old");
    assertThat(m.toUnmark()).containsExactly("pool/back");
  }

  @Test
  void aFileGoesOnlyAfterItsGracePeriod() {
    long now = 10 * HOUR.toMillis();
    DeletionPolicy.Sweep s =
        DeletionPolicy.sweep(
            Map.of("pool/due", now - HOUR.toMillis(), "pool/young", now - 1000),
            p -> false,
            now,
            HOUR,
            10);
    assertThat(s.delete()).containsExactly("pool/due");
    assertThat(s.unmark()).isEmpty();
    assertThat(s.guardTripped()).isFalse();
  }

  @Test
  void aFileWantedAgainIsUnmarkedNotDeleted() {
    DeletionPolicy.Sweep s =
        DeletionPolicy.sweep(
            Map.of("pool/back", 0L), p -> p.equals("pool/back"), 1_000_000_000L, HOUR, 10);
    assertThat(s.delete()).isEmpty();
    assertThat(s.unmark()).containsExactly("pool/back");
  }

  @Test
  void moreDueThanMaxDeleteDeletesNothing() {
    DeletionPolicy.Sweep s =
        DeletionPolicy.sweep(
            Map.of("a", 0L, "b", 0L, "c", 0L), p -> false, HOUR.toMillis(), HOUR, 2);
    assertThat(s.delete()).isEmpty();
    assertThat(s.held()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(s.guardTripped()).isTrue();
    assertThat(
            DeletionPolicy.sweep(Map.of("a", 0L, "b", 0L), p -> false, HOUR.toMillis(), HOUR, 2)
                .delete())
        .as("exactly max-delete is allowed")
        .hasSize(2);
  }

  @Test
  void aGenerationRetiresAGraceAfterTheNextOneWasMadeAndTheCurrentOneNever() {
    Duration grace = Duration.ofMillis(100);
    // Generations 1000, 2000 and 3000 (their ids are when they were made); 3000 is served.
    List<Long> kept = List.of(3000L, 1000L, 2000L);
    assertThat(DeletionPolicy.retiredGenerations(kept, 3000, 2099, grace))
        .as("1000 was superseded at 2000: 99 ms of its grace are past")
        .isEmpty();
    assertThat(DeletionPolicy.retiredGenerations(kept, 3000, 2100, grace))
        .as("exactly its grace after it was superseded")
        .containsExactly(1000L);
    assertThat(DeletionPolicy.retiredGenerations(kept, 3000, 10_000, grace))
        .as("long after: all but the served one, oldest first")
        .containsExactly(1000L, 2000L);
    assertThat(DeletionPolicy.retiredGenerations(kept, 2000, 10_000, grace))
        .as("a rolled-back current keeps itself and what is newer")
        .containsExactly(1000L);
    assertThat(DeletionPolicy.retiredGenerations(List.of(3000L), 3000, 10_000, grace)).isEmpty();
  }
}
