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
  void aProbeFitsLatencyAndRateAndSpreadsThePlanOverTheDownloadsAtOnce() {
    TransferEstimate.Estimate e = TransferEstimate.fromProbe(1000, 5_000_000_000L, probe(), 8, 6);
    assertThat(e).isInstanceOf(TransferEstimate.Seconds.class);
    // (1000 × 20 ms + 5 GB at 10 MB/s) / 8 downloads at once
    assertThat(((TransferEstimate.Seconds) e).seconds()).isCloseTo((20 + 500) / 8.0, within(0.5));
    assertThat(e.basis()).contains("20 ms per file").contains("10.0 MB/s per download");
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
                1000,
                5_000_000_000L,
                probe(),
                8,
                6,
                new TransferEstimate.Publishing(0.001, 1e-9, true));
    assertThat(quickDisk.seconds()).as("1 s + 5 s of publishing hide").isCloseTo(65, within(0.5));
    assertThat(quickDisk.basis()).contains("publishing beside it 6.0 s");
    TransferEstimate.Seconds slowDisk =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(
                1000,
                5_000_000_000L,
                probe(),
                8,
                6,
                new TransferEstimate.Publishing(0.08, 0, false));
    assertThat(slowDisk.seconds()).as("80 s of publishing").isCloseTo(80, within(0.5));
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
  void aLatencyFittedBelowZeroPutsAllTheTimeOnTheBytes() {
    List<TransferEstimate.Sample> s =
        List.of(
            new TransferEstimate.Sample(1_000_000, 50_000_000),
            new TransferEstimate.Sample(2_000_000, 200_000_000));
    TransferEstimate.Seconds e =
        (TransferEstimate.Seconds) TransferEstimate.fromProbe(10, 10_000_000, s, 1, 2);
    // Through the origin: (1e6 × 0.05 + 2e6 × 0.2) / (1e12 + 4e12) s per byte, 10 MB of it.
    assertThat(e.seconds()).isCloseTo(0.9, within(1e-6));
    assertThat(e.basis()).contains("0 ms per file").contains("11.1 MB/s per download");
  }

  @Test
  void bigFilesFasterThanSmallOnesPutAllTheTimeOnTheFiles() {
    List<TransferEstimate.Sample> s =
        List.of(
            new TransferEstimate.Sample(1_000_000, 200_000_000),
            new TransferEstimate.Sample(2_000_000, 100_000_000));
    TransferEstimate.Seconds e =
        (TransferEstimate.Seconds) TransferEstimate.fromProbe(10, 10_000_000, s, 1, 2);
    assertThat(e.seconds()).as("10 files at the mean 0.15 s").isCloseTo(1.5, within(1e-6));
    assertThat(e.basis()).contains("150 ms per file").contains("no time per byte");
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
                6,
                new TransferEstimate.Publishing(0.001, 1e-9, true));
    assertThat(e.basis())
        .isEqualTo(
            "from a probe of 6 files (12.8 MB), 8 downloads at once: 20 ms per file + 10.0 MB/s per"
                + " download; publishing beside it 6.0 s (1.00 ms per file + 1000 MB/s to disk sustained,"
                + " measured now)");
    TransferEstimate.Seconds noRate =
        (TransferEstimate.Seconds)
            TransferEstimate.fromProbe(
                1000,
                5_000_000_000L,
                probe(),
                8,
                6,
                new TransferEstimate.Publishing(0.08, 0, false));
    assertThat(noRate.basis()).endsWith("(80.00 ms per file + 0 MB/s to disk, measured now)");
    assertThat(TransferEstimate.fromProbe(1000, 5_000_000_000L, probe(), 8, 6).basis())
        .endsWith("publishing beside it 0.0 s");
  }
}
