package org.repomirror.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** HTTP dates, read by position where they are IMF-fixdates and by java.time otherwise. */
class HttpAnswersTest {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private static Optional<Long> javaTime(String text) {
    return Optional.of(
        ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli());
  }

  @Property(tries = 2000)
  void everyFixdateReadsAsJavaTimeReadsIt(
      @ForAll @LongRange(min = 0, max = 253_402_300_799L) long second) {
    String text = IMF_FIXDATE.format(Instant.ofEpochSecond(second));
    assertThat(HttpAnswers.imfFixdate(text)).isEqualTo(second * 1000);
    assertThat(HttpAnswers.parseHttpDate(text)).isEqualTo(javaTime(text)).contains(second * 1000);
  }

  @Test
  void otherFormsGoToJavaTime() {
    long sunday = Instant.parse("1994-11-06T08:49:37Z").toEpochMilli();
    assertThat(HttpAnswers.parseHttpDate(" Sun, 06 Nov 1994 08:49:37 GMT ")).contains(sunday);
    assertThat(HttpAnswers.imfFixdate("Sun, 6 Nov 1994 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
    assertThat(HttpAnswers.parseHttpDate("Sun, 6 Nov 1994 08:49:37 GMT")).contains(sunday);
    assertThat(HttpAnswers.parseHttpDate("Sun, 06 Nov 1994 10:49:37 +0200")).contains(sunday);
    assertThat(HttpAnswers.parseHttpDate("sun, 06 nov 1994 08:49:37 GMT")).contains(sunday);
  }

  @Test
  void aWrongWeekdayOrAnImpossibleDayIsNoDate() {
    assertThat(HttpAnswers.imfFixdate("Mon, 06 Nov 1994 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
    assertThat(HttpAnswers.parseHttpDate("Mon, 06 Nov 1994 08:49:37 GMT")).isEmpty();
    assertThat(HttpAnswers.parseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT")).isEmpty();
    assertThat(HttpAnswers.parseHttpDate("Sun, 06 Nov 1994 25:49:37 GMT")).isEmpty();
    assertThat(HttpAnswers.parseHttpDate("Sun, 06 Xyz 1994 08:49:37 GMT")).isEmpty();
    assertThat(HttpAnswers.parseHttpDate("Sun, 06 ovD 1994 08:49:37 GMT")).isEmpty();
    assertThat(HttpAnswers.parseHttpDate("yesterday")).isEmpty();
  }

  @Test
  void aPathIsEncodedOnlyWhereItMustBe() {
    String plain = "pool/main/libs/libstdc++6_1.0+dfsg~1_amd64.deb";
    assertThat(HttpUpstream.encodePath(plain)).isSameAs(plain);
    assertThat(HttpUpstream.encodePath("a b/ü%#?+~")).isEqualTo("a%20b/%C3%BC%25%23%3F+~");
    assertThat(HttpUpstream.encodePath("a_1:2.deb")).isEqualTo("a_1%3A2.deb");
  }
}
