package org.repomirror.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.repomirror.run.Ticker;
import org.repomirror.source.Upstream;
import org.repomirror.transfer.Throttle;
import org.repomirror.transfer.Transfer;

/** Real transfers for tests of one step: no retries, no waits, a file that does not match fails. */
public final class TestTransfers {
  private TestTransfers() {}

  /**
   * Over 4 connections, staging under {@code dir/staging}, quarantining under {@code
   * dir/quarantine}.
   */
  public static Transfer strict(Upstream upstream, Path dir) throws IOException {
    return new Transfer(
        upstream,
        Files.createDirectories(dir.resolve("staging")),
        dir.resolve("quarantine"),
        new Transfer.Settings(
            4, 1, Duration.ZERO, Duration.ZERO, Throttle.NONE, Transfer.MismatchPolicy.STRICT),
        Clock.systemUTC(),
        Ticker.SYSTEM);
  }
}
