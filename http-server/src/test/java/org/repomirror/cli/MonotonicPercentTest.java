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
  @Test
  void aPlanThatGrowsHoldsThePercentageUntilTheWorkCatchesUp() {
    MonotonicPercent percent = new MonotonicPercent();
    assertThat(percent.update(0, 3, 0, 1000)).isZero();
    assertThat(percent.update(2, 3, 500, 1000)).isEqualTo(50);
    // The pool is planned once the indexes are read: ten times the bytes.
    assertThat(percent.update(2, 13, 500, 10_000)).as("held, not 5").isEqualTo(50);
    assertThat(percent.update(8, 13, 6000, 10_000)).isEqualTo(60);
    assertThat(percent.update(12, 13, 9999, 10_000)).as("not done yet").isEqualTo(99);
    assertThat(percent.update(13, 13, 10_000, 10_000)).as("more may be planned").isEqualTo(99);
    assertThat(percent.finish(13, 13)).isEqualTo(100);
  }

  @Test
  void filesCountWhenNothingPlannedHasASize() {
    MonotonicPercent percent = new MonotonicPercent();
    assertThat(percent.update(1, 4, 0, 0)).isEqualTo(25);
    assertThat(percent.update(3, 4, 0, 0)).isEqualTo(75);
    assertThat(percent.finish(3, 4)).as("an end with work left").isEqualTo(75);
  }

  /** One step of a sync: more planned, or some done (never more done than planned). */
  record Step(boolean plan, long files, long bytes) {}

  @Property(tries = 300)
  void neverBackwardsAndAHundredOnlyAtTheEndOfAllThatWasPlanned(@ForAll("steps") List<Step> steps) {
    MonotonicPercent percent = new MonotonicPercent();
    long plannedFiles = 0;
    long plannedBytes = 0;
    long doneFiles = 0;
    long doneBytes = 0;
    int last = 0;
    for (Step s : steps) {
      if (s.plan()) {
        plannedFiles += s.files();
        plannedBytes += s.bytes();
      } else {
        long files = Math.min(s.files(), plannedFiles - doneFiles);
        doneFiles += files;
        doneBytes = Math.min(plannedBytes, doneBytes + (files == 0 ? 0 : s.bytes()));
      }
      int shown = percent.update(doneFiles, plannedFiles, doneBytes, plannedBytes);
      assertThat(shown).isBetween(last, 99);
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
                Arbitraries.of(true, false),
                Arbitraries.longs().between(0, 50),
                Arbitraries.longs().between(0, 1_000_000))
            .as(Step::new);
    return step.list().ofMaxSize(40);
  }
}
