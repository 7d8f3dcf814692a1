package org.repomirror.sync;

import java.time.Duration;
import java.util.List;
import org.repomirror.apt.SuiteSelection;
import org.repomirror.transfer.Throttle;
import org.repomirror.transfer.Transfer;

/** Sync options as the engine tests vary them; everything else as a default run has it. */
final class TestSyncOptions {
  /** The host name the trace files of these runs carry. */
  static final String HOST = "test-host";

  private TestSyncOptions() {}

  /**
   * Every component, binaries and sources, no errors allowed, no bandwidth limit, short backoffs
   * (10 ms, at most 50 ms) so that retries do not slow the tests.
   */
  static SyncOptions of(
      List<String> dists,
      boolean verifySignatures,
      Duration deleteGrace,
      int maxDelete,
      int connections,
      int attempts,
      Transfer.MismatchPolicy policy) {
    return new SyncOptions(
        dists,
        SuiteSelection.all(),
        verifySignatures,
        0,
        deleteGrace,
        maxDelete,
        new Transfer.Settings(
            connections,
            attempts,
            Duration.ofMillis(10),
            Duration.ofMillis(50),
            Throttle.NONE,
            policy),
        HOST);
  }
}
