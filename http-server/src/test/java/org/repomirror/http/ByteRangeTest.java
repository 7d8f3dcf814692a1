package org.repomirror.http;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

  @Test
  void singleRanges() {
    assertThat(ByteRange.parse("bytes=0-99", 1000)).isEqualTo(new ByteRange.Partial(0, 99));
    assertThat(ByteRange.parse("bytes=5-5", 1000)).isEqualTo(new ByteRange.Partial(5, 5));
    assertThat(new ByteRange.Partial(5, 5).length()).isEqualTo(1);
    assertThat(new ByteRange.Partial(0, 99).length()).isEqualTo(100);
    assertThat(ByteRange.parse("bytes=0-9999999999999999999", 1000))
        .as("19 digits, more than a long: to the end")
        .isEqualTo(new ByteRange.Partial(0, 999));
    assertThat(ByteRange.parse("bytes=0-999999999999999999", 1000))
        .as("18 digits")
        .isEqualTo(new ByteRange.Partial(0, 999));
    assertThat(ByteRange.parse("bytes=100-", 1000)).isEqualTo(new ByteRange.Partial(100, 999));
    assertThat(ByteRange.parse("bytes=-10", 1000)).isEqualTo(new ByteRange.Partial(990, 999));
    assertThat(ByteRange.parse("bytes=-5000", 1000)).isEqualTo(new ByteRange.Partial(0, 999));
    assertThat(ByteRange.parse("bytes=990-5000", 1000)).isEqualTo(new ByteRange.Partial(990, 999));
    assertThat(ByteRange.parse("BYTES = 5-6", 1000)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("Bytes=5-6", 1000)).isEqualTo(new ByteRange.Partial(5, 6));
  }

  @Test
  void legacyAptResumesFromTheLastByte() {
    assertThat(ByteRange.parse("bytes=999-", 1000)).isEqualTo(new ByteRange.Partial(999, 999));
  }

  @Test
  void unsatisfiable() {
    assertThat(ByteRange.parse("bytes=1000-", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=5000-6000", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-0", 1000)).isEqualTo(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=0-", 0)).isEqualTo(ByteRange.UNSATISFIABLE);
  }

  @Test
  void ignoredHeadersMeanTheWholeFile() {
    assertThat(ByteRange.parse(null, 10)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("items=0-1", 10)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=5-1", 10)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=a-b", 10)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=0-1,3-4", 10)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=", 10)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=-", 10)).isEqualTo(ByteRange.FULL);
    assertThat(ByteRange.parse("bytes=--1", 10)).isEqualTo(ByteRange.FULL);
  }

  @Test
  void hugeNumbersDoNotOverflow() {
    assertThat(ByteRange.parse("bytes=0-99999999999999999999999", 10))
        .isEqualTo(new ByteRange.Partial(0, 9));
    assertThat(ByteRange.parse("bytes=99999999999999999999999-", 10)).isEqualTo(ByteRange.FULL);
  }

  @Property(tries = 3000)
  void partialRangesAlwaysLieInsideTheFile(
      @ForAll @LongRange(min = 0, max = 1L << 40) long length,
      @ForAll @LongRange(min = -5, max = 1L << 41) long a,
      @ForAll @LongRange(min = -5, max = 1L << 41) long b,
      @ForAll boolean openEnded) {
    String spec = a < 0 ? "-" + b : a + "-" + (openEnded ? "" : Long.toString(b));
    ByteRange r = ByteRange.parse("bytes=" + spec, length);
    if (r instanceof ByteRange.Partial p) {
      assertThat(p.first()).isBetween(0L, length - 1);
      assertThat(p.last()).isBetween(p.first(), length - 1);
      assertThat(p.length()).isPositive();
    }
  }
}
