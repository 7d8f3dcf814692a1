package org.repomirror.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class HttpDatesTest {
  private static final long SAMPLE = 784_111_777L; // Sun, 06 Nov 1994 08:49:37 GMT

  @Test
  void formatsImfFixdateWithTwoDigitDay() {
    assertThat(HttpDates.format(SAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
  }

  @Test
  void readsAllThreeFormsOfRfc9110() {
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).hasValue(SAMPLE);
    assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).hasValue(SAMPLE);
    assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).hasValue(SAMPLE);
  }

  @Test
  void rejectsGarbage() {
    assertThat(HttpDates.parse("yesterday")).isEqualTo(OptionalLong.empty());
    assertThat(HttpDates.parse("")).isEqualTo(OptionalLong.empty());
    assertThat(HttpDates.parse(null)).isEqualTo(OptionalLong.empty());
  }

  @Test
  void nowIsCachedPerSecond() {
    assertThat(HttpDates.now(SAMPLE * 1000 + 5)).isEqualTo(HttpDates.format(SAMPLE));
    assertThat(HttpDates.now(SAMPLE * 1000 + 999)).isEqualTo(HttpDates.format(SAMPLE));
    assertThat(HttpDates.now(SAMPLE * 1000 + 1000)).isEqualTo(HttpDates.format(SAMPLE + 1));
  }

  @Property
  void roundTrips(@ForAll @LongRange(min = 0, max = 253_402_300_799L) long second) {
    assertThat(HttpDates.parse(HttpDates.format(second))).hasValue(second);
  }
}
