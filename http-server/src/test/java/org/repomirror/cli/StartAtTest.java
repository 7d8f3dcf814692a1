package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartAtTest {
  /** A clock that only moves when the sleeper sleeps. */
  private static final class FakeTime extends Clock {
    Instant now;
    final List<Duration> slept = new ArrayList<>();

    FakeTime(Instant start) {
      now = start;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    void sleep(Duration d) {
      slept.add(d);
      now = now.plus(d);
    }
  }

  @Test
  void waitsUntilTheClockReachesTheTime() throws Exception {
    FakeTime time = new FakeTime(Instant.parse("2026-11-27T16:58:30.250Z"));
    StringWriter out = new StringWriter();
    Instant at = StartAt.parse("2026-11-27T17:00:00Z");
    new StartAt(time, time::sleep, false, new PrintWriter(out, true)).waitUntil(at);
    assertThat(time.instant()).isEqualTo(at);
    assertThat(time.slept.stream().mapToLong(Duration::toMillis).sum()).isEqualTo(89_750);
    assertThat(time.slept).allMatch(d -> d.compareTo(Duration.ofSeconds(1)) <= 0);
    assertThat(out.toString())
        .startsWith("waiting until 2026-11-27T17:00:00Z (0:01:29)")
        .contains("starting in 0:01:29")
        .contains("starting in 0:00:59")
        .endsWith("starting at 2026-11-27T17:00:00Z\n");
  }

  @Test
  void aTimeInThePastStartsAtOnce() throws Exception {
    FakeTime time = new FakeTime(Instant.parse("2026-11-27T17:00:01Z"));
    StringWriter out = new StringWriter();
    new StartAt(time, time::sleep, true, new PrintWriter(out, true))
        .waitUntil(StartAt.parse("2026-11-27T19:00:00+02:00"));
    assertThat(time.slept).isEmpty();
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void onATerminalTheCountdownRewritesOneLine() throws Exception {
    FakeTime time = new FakeTime(Instant.parse("2026-11-27T16:59:57Z"));
    StringWriter out = new StringWriter();
    new StartAt(time, time::sleep, true, new PrintWriter(out, true))
        .waitUntil(StartAt.parse("2026-11-27T17:00:00Z"));
    assertThat(out.toString()).contains("\rstarting in 0:00:03").contains("\rstarting in 0:00:01");
  }
}
