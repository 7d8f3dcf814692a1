package org.repomirror.run;

/**
 * What a run records as it goes, for the report made from it at the end: warnings, the files that
 * failed, the paths it changed, the bytes it fetched and the time of each phase. The steps write to
 * it from any of their threads; implementations are thread-safe.
 */
public interface Ledger {
  /** Records nothing. */
  Ledger NONE =
      new Ledger() {
        @Override
        public void warn(String warning) {}

        @Override
        public void fail(Scope scope, Failure failure) {}

        @Override
        public void changed(String path, Change.Action action) {}

        @Override
        public void fetched(long bytes) {}

        @Override
        public Timing time(Phase phase) {
          return () -> {};
        }
      };

  /** The pass a failure belongs to: a final sync that syncs the suites again forgets theirs. */
  enum Scope {
    APT,
    TREE
  }

  void warn(String warning);

  void fail(Scope scope, Failure failure);

  void changed(String path, Change.Action action);

  /** Bytes received from the upstream, counted as each file ends. */
  void fetched(long bytes);

  /**
   * Starts timing a phase; closing the timing adds the time since to the phase. Timings of one
   * phase may overlap (the pool is published while it is fetched): each adds its own.
   */
  Timing time(Phase phase);

  /** A phase being timed. */
  interface Timing extends AutoCloseable {
    @Override
    void close();
  }
}
