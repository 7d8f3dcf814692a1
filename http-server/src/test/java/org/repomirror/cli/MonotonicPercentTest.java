package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class MonotonicPercentTest {
  /**
   * A newcomer's sync: the indexes planned and done in the first second, the pool planned after.
   * Before, the bar read 99 % at "files 22/54, 1.9 / 11.7 MB".
   */
  @Test
  void nothingIsToldWhileTheRunPlansThenTheBytesOfTheWholePlan() {
    MonotonicPercent percent = new MonotonicPercent();
    assertThat(percent.update(0, 10, 0, 200_000, false)).isEqualTo(MonotonicPercent.UNKNOWN);
    assertThat(percent.update(10, 10, 200_000, 200_000, false))
        .as("the indexes are done, the pool is not planned yet")
        .isEqualTo(MonotonicPercent.UNKNOWN);
    assertThat(percent.update(10, 54, 200_000, 11_700_000, true)).isEqualTo(1);
    assertThat(percent.update(22, 54, 1_900_000, 11_700_000, true)).isEqualTo(16);
    assertThat(percent.update(53, 54, 11_699_999, 11_700_000, true)).isEqualTo(99);
    assertThat(percent.update(54, 54, 11_700_000, 11_700_000, true))
        .as("100 only at the end")
        .isEqualTo(99);
    assertThat(percent.finish(54, 54)).isEqualTo(100);
  }

  @Test
  void aPlanThatGrowsAfterItWasCompleteHoldsThePercentageUntilTheWorkCatchesUp() {
    MonotonicPercent percent = new MonotonicPercent();
    assertThat(percent.update(2, 3, 500, 1000, true)).isEqualTo(50);
    // A final sync syncs a suite again: ten times the bytes more.
    assertThat(percent.update(2, 13, 500, 10_000, true)).as("held, not 5").isEqualTo(50);
    assertThat(percent.update(8, 13, 6000, 10_000, true)).isEqualTo(60);
    assertThat(percent.finish(13, 13)).isEqualTo(100);
  }

  @Test
  void filesCountWhenNothingPlannedHasASize() {
    MonotonicPercent percent = new MonotonicPercent();
    assertThat(percent.update(1, 4, 0, 0, true)).isEqualTo(25);
    assertThat(percent.update(3, 4, 0, 0, true)).isEqualTo(75);
    assertThat(percent.finish(3, 4)).as("an end with work left").isEqualTo(75);
  }

  /** One step of a sync: more planned, the plan completed, or some done. */
  record Step(int kind, long files, long bytes) {}

  @Property(tries = 300)
  void unknownWhilePlanningThenNeverBackwardsAndAHundredOnlyAtTheEnd(
      @ForAll("steps") List<Step> steps) {
    MonotonicPercent percent = new MonotonicPercent();
    long plannedFiles = 0;
    long plannedBytes = 0;
    long doneFiles = 0;
    long doneBytes = 0;
    boolean complete = false;
    int last = MonotonicPercent.UNKNOWN;
    for (Step s : steps) {
      switch (s.kind()) {
        case 0 -> {
          plannedFiles += s.files();
          plannedBytes += s.bytes();
        }
        case 1 -> complete = true;
        default -> {
          long files = Math.min(s.files(), plannedFiles - doneFiles);
          doneFiles += files;
          doneBytes = Math.min(plannedBytes, doneBytes + (files == 0 ? 0 : s.bytes()));
        }
      }
      int shown = percent.update(doneFiles, plannedFiles, doneBytes, plannedBytes, complete);
      if (!complete) {
        assertThat(shown).isEqualTo(MonotonicPercent.UNKNOWN);
      } else {
        assertThat(shown).isBetween(Math.max(0, last), 99);
      }
      last = shown;
    }
    int end = percent.finish(doneFiles, plannedFiles);
    assertThat(end).isGreaterThanOrEqualTo(last);
    assertThat(end == 100).isEqualTo(doneFiles == plannedFiles);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.longs().between(0, 50),
                Arbitraries.longs().between(0, 1_000_000))
            .as(Step::new);
    return step.list().ofMaxSize(40);
  }
}
