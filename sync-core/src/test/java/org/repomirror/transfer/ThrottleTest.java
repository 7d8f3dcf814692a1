package org.repomirror.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.repomirror.run.Ticker;

class ThrottleTest {
  @Test
  void holdsTheRate() throws Exception {
    Throttle throttle = new Throttle(1_000_000, Ticker.SYSTEM); // 1 MB/s, one second of burst
    long start = System.nanoTime();
    for (int i = 0; i < 30; i++) {
      throttle.acquire(100_000); // 3 MB in all
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // 1 MB of burst plus 2 MB at 1 MB/s: about 2 s; never much less.
    assertThat(seconds).isGreaterThan(1.8).isLessThan(6);
  }

  @Test
  void noneNeverWaits() throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      Throttle.NONE.acquire(1 << 20);
    }
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(1);
  }
}
