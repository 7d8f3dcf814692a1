package org.repomirror.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.FormatException;

class TraceFileTest {
  @Test
  void oursReadsBack() throws IOException {
    TraceFile t =
        TraceFile.of(
            Instant.parse("2026-11-26T17:00:00Z"),
            Instant.parse("2026-11-26T17:04:05Z"),
            "0.1.0",
            "new-host",
            "http://old-host/",
            1_000_000);
    TraceFile read = TraceFile.parse(t.render());
    assertThat(read).isEqualTo(t);
    assertThat(t.render())
        .startsWith("Thu Nov 26 17:04:05 UTC 2026\nDate: Thu, 26 Nov 2026 17:04:05 GMT\n");
    assertThat(read.fields())
        .containsEntry("Total time spent in sync", "245.000")
        .containsEntry("Average rate", "4081 B/s")
        .containsEntry("Creator", "repomirror 0.1.0");
  }

  @Test
  void aRunOfLessThanASecondHasItsRealTimeAndRate() {
    TraceFile t =
        TraceFile.of(
            Instant.parse("2026-11-26T17:00:00Z"),
            Instant.parse("2026-11-26T17:00:00.122Z"),
            "0.1.0",
            "new-host",
            "http://old-host/",
            50_000_000);
    assertThat(t.fields())
        .as("not 0 s, and not the bytes as the rate")
        .containsEntry("Total time spent in sync", "0.122")
        .containsEntry("Average rate", "409836065 B/s");
  }

  @Test
  void ftpsyncTracesParse() throws IOException {
    String ftpsync =
        """
        Sat Nov  4 20:31:50 UTC 2023
        Date: Sat, 04 Nov 2023 20:31:50 +0000
        Date-Started: Sat, 04 Nov 2023 20:29:56 +0000
        Archive serial: 2023110402
        Used ftpsync version: 20180513
        Creator: ftpsync 20180513
        Running on host: mirror.example.org
        Architectures: GUESSED:{ all amd64 arm64}
        Upstream-mirror: syncproxy.example.org
        Total bytes received in rsync: 1234567
        Total time spent in rsync: 114
        Average rate: 10829 B/s
        """;
    TraceFile t = TraceFile.parse(ftpsync);
    assertThat(t.finished()).isEqualTo(Instant.parse("2023-11-04T20:31:50Z"));
    assertThat(t.fields())
        .containsEntry("Running on host", "mirror.example.org")
        .containsEntry("Total bytes received in rsync", "1234567");
  }

  @Test
  void notATrace() {
    assertThatThrownBy(() -> TraceFile.parse("<html>404</html>\n"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("not a trace file");
    assertThatThrownBy(() -> TraceFile.parse("Sat Nov  4 20:31:50 UTC 2023\nno colon here\n"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("line 2");
  }
}
