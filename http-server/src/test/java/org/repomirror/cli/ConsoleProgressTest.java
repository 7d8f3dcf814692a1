package org.repomirror.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConsoleProgressTest {
  @Test
  void offATerminalItLogsAtASteadyInterval() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("repomirror.progress");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try (ConsoleProgress progress = new ConsoleProgress(false, 1)) {
      progress.planned(10, 10_000_000);
      progress.done(4, 4_000_000);
      for (int i = 0; i < 50 && lines.list.isEmpty(); i++) {
        Thread.sleep(100);
      }
      progress.planComplete();
      int before = lines.list.size();
      for (int i = 0; i < 50 && lines.list.size() == before; i++) {
        Thread.sleep(100);
      }
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).hasSizeGreaterThanOrEqualTo(2);
    assertThat(lines.list.getFirst().getFormattedMessage())
        .startsWith("progress: planning, files 4/10 planned so far, 4.0 / 10.0 MB, ")
        .endsWith("ETA after planning");
    assertThat(lines.list.getLast().getFormattedMessage())
        .startsWith("progress: 40 %, files 4/10, 4.0 / 10.0 MB, ")
        .contains("MB/s, ETA ");
  }
}
