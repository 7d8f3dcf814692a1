package org.repomirror.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.repomirror.testing.ScriptedUpstream;
import org.slf4j.LoggerFactory;

class HttpUpstreamTest {
  @TempDir Path tmp;

  /** A sink that fails as a full disk does, after some bytes. */
  private static OutputStream fullDisk() {
    return new OutputStream() {
      private long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        written += len;
        if (written > 10_000)
          throw new LocalWriteException(new IOException("No space left on device"));
      }
    };
  }

  /**
   * Downloading and closing, 30 times over, logs no warning or error. The demo once showed a
   * newcomer a ConcurrentModificationException at ERROR from the client's I/O thread, closed at
   * once while it iterated its selected keys; a race this loop may catch, not one it forces.
   */
  @Test
  void closingAfterDownloadsLogsNoError() throws Exception {
    for (int i = 0; i < 20; i++) Files.write(tmp.resolve("f" + i), new byte[1000 + i]);
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try (ScriptedUpstream up = new ScriptedUpstream(tmp)) {
      for (int round = 0; round < 30; round++) {
        try (HttpUpstream source = new HttpUpstream(up.uri(), Duration.ofSeconds(5), 4)) {
          for (int i = 0; i < 20; i++) {
            source.download("f" + i, 0, null, fromStart -> OutputStream.nullOutputStream());
          }
        }
      }
    } finally {
      root.detachAppender(logged);
    }
    assertThat(logged.list)
        .as("warnings and errors logged while downloading and closing")
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
        .isEmpty();
  }

  @Test
  void aFailureToWriteWhatArrivesIsTheLocalDisksNotATransientUpstreamFault() throws Exception {
    Files.write(tmp.resolve("big.deb"), new byte[1 << 20]);
    try (ScriptedUpstream up = new ScriptedUpstream(tmp);
        HttpUpstream source = new HttpUpstream(up.uri(), Duration.ofSeconds(5), 2)) {
      assertThatThrownBy(() -> source.download("big.deb", 0, null, fromStart -> fullDisk()))
          .as("retrying a full disk as if the network broke off only hides it")
          .isInstanceOf(LocalWriteException.class)
          .isNotInstanceOf(FetchException.class)
          .hasMessageContaining("No space left on device");
      assertThat(
              source
                  .download("big.deb", 0, null, fromStart -> OutputStream.nullOutputStream())
                  .bytes())
          .as("the upstream itself was fine")
          .isEqualTo(1 << 20);
    }
  }
}
