package org.repomirror.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.repomirror.testing.Reliability;

class PinTableTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Ticker ticker = nanos::get;

  private static InetAddress address(int i) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
  }

  @Test
  void anAddressPinLivesForTheWindowAndNoLonger() throws Exception {
    PinTable t = new PinTable(Duration.ofMinutes(2), 100, Duration.ofHours(1), ticker);
    t.forUpdate(address(1), "dists/stable", q -> true, () -> 17);
    nanos.addAndGet(Duration.ofSeconds(119).toNanos());
    assertThat(t.live(address(1), "dists/stable"))
        .get()
        .extracting(PinTable.Pin::generation)
        .isEqualTo(17L);
    assertThat(t.live(address(2), "dists/stable")).isEmpty();
    assertThat(t.live(address(1), "dists/testing")).isEmpty();
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(t.live(address(1), "dists/stable")).as("past the window").isEmpty();
    assertThat(t.live(address(1))).isEmpty();
  }

  @Test
  void aPinInUseStaysLiveButIsFreshOnlyForTheWindowAfterItsRelease() throws Exception {
    PinTable t = new PinTable(Duration.ofMinutes(2), 100, Duration.ofHours(1), ticker);
    PinTable.Pin p = t.forUpdate(address(1), "dists/stable", q -> true, () -> 5);
    nanos.addAndGet(Duration.ofSeconds(100).toNanos());
    t.touch(address(1), p); // an index fetched 100 s after the Release, on a slow link
    nanos.addAndGet(Duration.ofSeconds(100).toNanos());
    assertThat(t.live(address(1), "dists/stable"))
        .as("200 s after the Release, 100 s after its last use")
        .containsSame(p);
    assertThat(t.fresh(p)).as("a new Release now starts from the current generation").isFalse();
    nanos.addAndGet(Duration.ofSeconds(21).toNanos());
    assertThat(t.live(address(1), "dists/stable")).as("a window without a request").isEmpty();
    PinTable.Pin q = t.pin("dists/stable", 6);
    nanos.addAndGet(Duration.ofSeconds(119).toNanos());
    assertThat(t.fresh(q)).isTrue();
  }

  @Test
  void anUpdateJoinsTheAddressPinItMayUseElseMakesOneOnTheCurrentGeneration() throws Exception {
    PinTable t = new PinTable(Duration.ofMinutes(2), 100, Duration.ofHours(1), ticker);
    PinTable.Pin first = t.forUpdate(address(1), "dists/stable", q -> true, () -> 7);
    assertThat(t.forUpdate(address(1), "dists/stable", q -> true, () -> 8))
        .as("a usable pin of the address is joined; the current generation is not asked")
        .isSameAs(first);
    PinTable.Pin next = t.forUpdate(address(1), "dists/stable", q -> false, () -> 8);
    assertThat(next.generation()).as("a refused pin is replaced by the current").isEqualTo(8L);
    assertThat(t.live(address(1), "dists/stable")).containsSame(next);
    assertThat(t.forUpdate(address(2), "dists/stable", q -> true, () -> 9).generation())
        .as("another address has its own")
        .isEqualTo(9L);
  }

  @Test
  void eachSuiteOfAnAddressHasItsOwnPin() throws Exception {
    PinTable t = new PinTable(Duration.ofMinutes(2), 100, Duration.ofHours(1), ticker);
    t.forUpdate(address(1), "dists/stable", q -> true, () -> 1);
    nanos.addAndGet(Duration.ofSeconds(90).toNanos());
    t.forUpdate(address(1), "dists/testing", q -> true, () -> 2);
    nanos.addAndGet(Duration.ofSeconds(60).toNanos());
    assertThat(t.live(address(1)).keySet())
        .as("stable's window is over, testing's not")
        .containsExactly("dists/testing");
  }

  @Test
  void aPinNeverOutlivesTheMaxAge() {
    PinTable t = new PinTable(Duration.ofMinutes(2), 100, Duration.ofMinutes(10), ticker);
    PinTable.Pin p = t.pin("dists/stable", 1);
    nanos.addAndGet(Duration.ofMinutes(9).toNanos());
    assertThat(t.tooOld(p)).isFalse();
    nanos.addAndGet(Duration.ofMinutes(1).toNanos());
    assertThat(t.tooOld(p)).isTrue();
  }

  @Test
  void theTableIsBoundedWith100000AddressesAndItsSizeIsMeasured() throws Exception {
    int limit = 100_000;
    PinTable t = new PinTable(Duration.ofMinutes(2), limit, Duration.ofHours(1), ticker);
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    for (int i = 0; i < limit; i++) t.forUpdate(address(i), "dists/stable", q -> true, () -> 42);
    System.gc();
    long full = rt.totalMemory() - rt.freeMemory();
    for (int i = limit; i < limit + 50_000; i++)
      t.forUpdate(address(i), "dists/stable", q -> true, () -> 42);
    assertThat(t.addresses()).as("never more than the limit").isLessThanOrEqualTo(limit);
    assertThat(t.live(address(limit + 49_999), "dists/stable")).as("the newest stays").isPresent();
    long perAddress = (full - before) / limit;
    assertThat(perAddress).as("bytes per pinned address").isLessThan(600);
    Reliability.record(
        "pin-table",
        String.format(
            "100,000 pinned addresses took about %d bytes each (%.0f MB); 150,000 inserted, %d kept",
            perAddress, (full - before) / 1e6, t.addresses()));
  }
}
