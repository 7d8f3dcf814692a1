package org.repomirror.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.plan.Wanted;

class ProbeTest {
  private static List<Wanted> files(int n, long size) {
    List<Wanted> all = new ArrayList<>();
    for (int i = 0; i < n; i++) all.add(Wanted.pool(new ExpectedFile("pool/" + i, size, null)));
    return all;
  }

  @Test
  void theSampleKeepsEveryConnectionBusyForAWhile() {
    List<Wanted> sample = Probe.sample(files(10_000, 20L << 20), 8, 10_000L * (20L << 20));
    long bytes = sample.stream().mapToLong(Wanted::size).sum();
    assertThat(bytes).isBetween(128L << 20, 512L << 20);
    List<Wanted> small = Probe.sample(files(10_000, 1000), 8, 10_000_000);
    assertThat(small).as("small files: at most 32 per connection").hasSize(256);
  }

  @Test
  void aSmallPlanIsProbedAtMostAFifth() {
    List<Wanted> sample = Probe.sample(files(100, 1L << 20), 8, 100L << 20);
    assertThat(sample.size()).isLessThanOrEqualTo(32).isPositive();
    assertThat(Probe.sample(files(1, 1L << 30), 8, 1L << 30)).as("one huge file still").hasSize(1);
  }

  @Test
  void theSampleIsRandomButRepeatable() {
    List<Wanted> all = files(1000, 1000);
    assertThat(Probe.sample(all, 2, 1_000_000)).isEqualTo(Probe.sample(all, 2, 1_000_000));
    assertThat(Probe.sample(all, 2, 1_000_000).getFirst()).isNotEqualTo(all.getFirst());
  }
}
