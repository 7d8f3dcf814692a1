package org.repomirror.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferEstimateTest {
  /** A probe whose files each took 20 ms plus 1 s per 10 MB, on 8 connections. */
  private static List<TransferEstimate.Sample> probe() {
    List<TransferEstimate.Sample> samples = new ArrayList<>();
    for (long bytes : new long[] {1_000, 50_000, 2_000_000, 10_000_000, 300, 700_000}) {
      double seconds = 0.020 + bytes / 10e6;
      samples.add(new TransferEstimate.Sample(bytes, (long) (seconds * 1e9)));
    }
    return samples;
  }

  @Test
  void aProbeFitsLatencyAndRateAndSpreadsThePlanOverTheConnections() {
    TransferEstimate.Estimate e = TransferEstimate.fromProbe(1000, 5_000_000_000L, probe(), 8, 6);
    assertThat(e).isInstanceOf(TransferEstimate.Seconds.class);
    // (1000 × 20 ms + 5 GB at 10 MB/s) / 8 connections
    assertThat(((TransferEstimate.Seconds) e).seconds()).isCloseTo((20 + 500) / 8.0, within(0.5));
    assertThat(e.basis()).contains("20 ms per file").contains("10.0 MB/s per connection");
  }

  @Test
  void aProbeThatMovedNothingGivesNoEstimate() {
    TransferEstimate.Estimate e = TransferEstimate.fromProbe(10, 1000, List.of(), 8, 8);
    assertThat(e).isInstanceOf(TransferEstimate.None.class);
    assertThat(e.basis()).contains("probe of 8").contains("moved no bytes");
  }

  @Test
  void nothingToFetchTakesNoTime() {
    assertThat(TransferEstimate.fromProbe(0, 0, List.of(), 8, 0))
        .isEqualTo(new TransferEstimate.Seconds(0, "nothing to fetch"));
  }

  @Test
  void filesOfOneSizeAreAllBytes() {
    List<TransferEstimate.Sample> same =
        List.of(
            new TransferEstimate.Sample(1_000_000, 100_000_000),
            new TransferEstimate.Sample(1_000_000, 100_000_000));
    TransferEstimate.Seconds s =
        (TransferEstimate.Seconds) TransferEstimate.fromProbe(10, 10_000_000, same, 1, 2);
    assertThat(s.seconds()).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void historyTakesTheSlowerOfItsByteAndFileRates() {
    List<TransferEstimate.Run> runs = List.of(new TransferEstimate.Run(100, 100_000_000, 10_000));
    TransferEstimate.Seconds s =
        (TransferEstimate.Seconds) TransferEstimate.fromHistory(1000, 1_000_000, runs);
    assertThat(s.seconds()).as("1000 files at 10 files/s").isCloseTo(100, within(1e-6));
    assertThat(TransferEstimate.fromHistory(5, 5, List.of()))
        .isInstanceOf(TransferEstimate.None.class);
  }

  @Test
  void eachConnectionsFirstFilesAreLeftOutOfTheFitWhenThereAreEnough() {
    List<TransferEstimate.Sample> samples = new ArrayList<>();
    for (int i = 0; i < 4; i++) samples.add(new TransferEstimate.Sample(1_000_000, 2_000_000_000L));
    for (int i = 0; i < 4; i++) samples.add(new TransferEstimate.Sample(1_000_000, 100_000_000));
    TransferEstimate.Seconds warm =
        (TransferEstimate.Seconds) TransferEstimate.fromProbe(10, 10_000_000, samples, 2, 8);
    assertThat(warm.seconds())
        .as("cold files dropped: 10 × 0.1 s / 2")
        .isCloseTo(0.5, within(1e-6));
    TransferEstimate.Seconds few =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(10, 10_000_000, samples.subList(0, 6), 2, 6);
    assertThat(few.seconds()).as("too few to drop any").isGreaterThan(warm.seconds() * 5);
  }

  @Test
  void publishingRunsBesideTheTransferAndCountsWhenItIsTheLonger() {
    // The transfer of the first test: 65 s.
    TransferEstimate.Seconds quickDisk =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(
                1000, 5_000_000_000L, probe(), 8, 6, new TransferEstimate.Publishing(0.001, 1e-9));
    assertThat(quickDisk.seconds()).as("1 s + 5 s of publishing hide").isCloseTo(65, within(0.5));
    assertThat(quickDisk.basis()).contains("publishing beside it 6.0 s");
    TransferEstimate.Seconds slowDisk =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(
                1000, 5_000_000_000L, probe(), 8, 6, new TransferEstimate.Publishing(0.08, 0));
    assertThat(slowDisk.seconds()).as("80 s of publishing").isCloseTo(80, within(0.5));
  }
}
