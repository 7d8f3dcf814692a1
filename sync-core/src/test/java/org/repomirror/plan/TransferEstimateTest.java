package org.repomirror.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferEstimateTest {
  /**
   * A probe of 10 files of 1 MB on 8 connections: the first arrived after 200 ms, the others every
   * 100 ms after it, listed out of order as the workers report them.
   */
  private static List<TransferEstimate.Sample> probe() {
    List<TransferEstimate.Sample> samples = new ArrayList<>();
    for (int i : new int[] {3, 0, 9, 1, 2, 8, 4, 5, 7, 6}) {
      samples.add(new TransferEstimate.Sample(1_000_000, 200_000_000L + i * 100_000_000L));
    }
    return samples;
  }

  @Test
  void aProbeCountsItsFirstFileOnceAndThenTheRateTheOthersArrivedAt() {
    TransferEstimate.Estimate e = TransferEstimate.fromProbe(1000, 1_000_000_000L, probe(), 80, 10);
    assertThat(e).isInstanceOf(TransferEstimate.Seconds.class);
    // 0.2 s, then 999 files at 10 files/s (and 999 MB at 10 MB/s, the same)
    assertThat(((TransferEstimate.Seconds) e).seconds()).isCloseTo(0.2 + 99.9, within(1e-6));
    assertThat(e.basis())
        .isEqualTo(
            "from a probe of 10 files (10.0 MB), 80 downloads at once: the first in 200 ms, then 10"
                + " files/s and 10.0 MB/s; publishing beside it 0.0 s");
  }

  @Test
  void theSlowerOfTheFileAndByteRatesCounts() {
    TransferEstimate.Seconds bigFiles =
        (TransferEstimate.Seconds) TransferEstimate.fromProbe(100, 5_000_000_000L, probe(), 8, 10);
    assertThat(bigFiles.seconds()).as("5 GB at 10 MB/s").isCloseTo(0.2 + 499.9, within(1e-6));
    TransferEstimate.Seconds smallFiles =
        (TransferEstimate.Seconds) TransferEstimate.fromProbe(5000, 50_000_000L, probe(), 8, 10);
    assertThat(smallFiles.seconds())
        .as("5,000 files at 10 files/s")
        .isCloseTo(0.2 + 499.9, within(1e-6));
  }

  @Test
  void aProbeOfOneFileScalesItsWholeTime() {
    TransferEstimate.Seconds one =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(
                10, 20_000_000, List.of(new TransferEstimate.Sample(1_000_000, 500_000_000)), 8, 1);
    assertThat(one.seconds()).as("20 MB at the one file's 2 MB/s").isCloseTo(10, within(1e-6));
    assertThat(one.basis()).contains("all in 500 ms");
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
  void historyTakesTheSlowerOfItsByteAndFileRates() {
    List<TransferEstimate.Run> runs = List.of(new TransferEstimate.Run(100, 100_000_000, 10_000));
    TransferEstimate.Seconds s =
        (TransferEstimate.Seconds) TransferEstimate.fromHistory(1000, 1_000_000, runs);
    assertThat(s.seconds()).as("1000 files at 10 files/s").isCloseTo(100, within(1e-6));
    assertThat(TransferEstimate.fromHistory(5, 5, List.of()))
        .isInstanceOf(TransferEstimate.None.class);
  }

  @Test
  void publishingRunsBesideTheTransferAndCountsWhenItIsTheLonger() {
    // The transfer: 0.2 s, then 999 files and 999 MB at 10 a second: 100.1 s.
    TransferEstimate.Seconds quickDisk =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(
                1000,
                1_000_000_000L,
                probe(),
                8,
                10,
                new TransferEstimate.Publishing(0.001, 5e-9, true));
    assertThat(quickDisk.seconds())
        .as("1 s + 5 s of publishing hide")
        .isCloseTo(100.1, within(1e-6));
    assertThat(quickDisk.basis()).contains("publishing beside it 6.0 s");
    TransferEstimate.Seconds slowDisk =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(
                1000,
                1_000_000_000L,
                probe(),
                8,
                10,
                new TransferEstimate.Publishing(0.15, 0, false));
    assertThat(slowDisk.seconds()).as("150 s of publishing").isCloseTo(150, within(1e-6));
  }

  @Test
  void historyByBytesWhenBytesAreTheSlowerAndNoneWithoutAUsableRun() {
    List<TransferEstimate.Run> runs = List.of(new TransferEstimate.Run(100, 100_000_000, 10_000));
    TransferEstimate.Seconds s =
        (TransferEstimate.Seconds) TransferEstimate.fromHistory(10, 1_000_000_000, runs);
    assertThat(s.seconds()).as("1 GB at 10 MB/s").isCloseTo(100, within(1e-6));
    assertThat(s.basis()).isEqualTo("at 10.0 MB/s and 10 files/s, from 1 earlier run(s)");
    assertThat(TransferEstimate.fromHistory(0, 0, runs))
        .isEqualTo(new TransferEstimate.Seconds(0, "nothing to fetch"));
    TransferEstimate.Seconds filesOnly =
        (TransferEstimate.Seconds)
            TransferEstimate.fromHistory(
                20, 1_000_000_000, List.of(new TransferEstimate.Run(100, 0, 10_000)));
    assertThat(filesOnly.seconds()).as("no bytes on record: by files").isCloseTo(2, within(1e-6));
    assertThat(
            TransferEstimate.fromHistory(5, 5, List.of(new TransferEstimate.Run(0, 5_000, 10_000))))
        .isInstanceOf(TransferEstimate.None.class);
    assertThat(TransferEstimate.fromHistory(5, 5, List.of(new TransferEstimate.Run(5, 5_000, 0))))
        .isInstanceOf(TransferEstimate.None.class);
    TransferEstimate.Seconds two =
        (TransferEstimate.Seconds)
            TransferEstimate.fromHistory(
                10,
                0,
                List.of(
                    new TransferEstimate.Run(50, 0, 10_000),
                    new TransferEstimate.Run(50, 0, 10_000)));
    assertThat(two.seconds()).as("100 files in 20 s").isCloseTo(2, within(1e-6));
  }

  @Test
  void aProbeOfEmptyFilesGivesNoEstimate() {
    assertThat(
            TransferEstimate.fromProbe(
                10, 1000, List.of(new TransferEstimate.Sample(0, 1_000_000)), 1, 1))
        .isInstanceOf(TransferEstimate.None.class);
  }

  @Test
  void theBasisSaysWhatPublishingWasMeasuredAt() {
    TransferEstimate.Seconds e =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(
                1000,
                5_000_000_000L,
                probe(),
                8,
                10,
                new TransferEstimate.Publishing(0.001, 1e-9, true));
    assertThat(e.basis())
        .isEqualTo(
            "from a probe of 10 files (10.0 MB), 8 downloads at once: the first in 200 ms, then 10"
                + " files/s and 10.0 MB/s; publishing beside it 6.0 s (1.00 ms per file + 1000 MB/s"
                + " to disk sustained, measured now)");
    TransferEstimate.Seconds noRate =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(
                1000,
                5_000_000_000L,
                probe(),
                8,
                10,
                new TransferEstimate.Publishing(0.08, 0, false));
    assertThat(noRate.basis()).endsWith("(80.00 ms per file + 0 MB/s to disk, measured now)");
    assertThat(TransferEstimate.fromProbe(1000, 5_000_000_000L, probe(), 8, 10).basis())
        .endsWith("publishing beside it 0.0 s");
  }
}
