package org.repomirror.source.rsync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunsAtOnceTest {
  @Test
  void aRefusalAmongOthersLowersTheRunsAndRetiresTheRunnersTooMany() {
    RunsAtOnce runs = new RunsAtOnce(4);
    for (int i = 0; i < 4; i++) assertThat(runs.addRunner()).isTrue();
    assertThat(runs.addRunner()).as("four asked").isFalse();
    for (int i = 0; i < 3; i++) runs.runStarted();
    assertThat(runs.refused()).isTrue();
    assertThat(runs.allowed()).isEqualTo(2);
    assertThat(runs.retireRunner()).isTrue();
    assertThat(runs.retireRunner()).isTrue();
    assertThat(runs.retireRunner()).as("two left").isFalse();
    assertThat(runs.warnings("rsync://old/m/"))
        .containsExactly(
            "rsync://old/m/ refused runs of rsync beyond 2 at once (its max connections):"
                + " 2 at once instead of 4");
    assertThat(runs.warnings("rsync://old/m/")).as("said once").isEmpty();
  }

  @Test
  void aRefusalOfTheOnlyRunIsOtherClientsDoing() {
    RunsAtOnce runs = new RunsAtOnce(8);
    runs.runStarted();
    assertThat(runs.refused()).isFalse();
    assertThat(runs.allowed()).isEqualTo(8);
    assertThat(runs.warnings("rsync://old/m/")).isEmpty();
  }
}
