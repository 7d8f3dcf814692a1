package org.repomirror.run;

/**
 * Receives a sync's progress as it happens: work planned (the indexes, then the pool, or the tree a
 * chunk at a time as it is listed), the end of planning, then each file done. The bytes are what
 * the run moves: a file an interrupted run left verified costs none, a partial download only what
 * it lacks. Implementations must be thread-safe: transfer workers call them concurrently.
 */
public interface Progress {
  /** Ignores everything. */
  Progress NONE =
      new Progress() {
        @Override
        public void planned(long files, long bytes) {}

        @Override
        public void planComplete() {}

        @Override
        public void done(long files, long bytes) {}
      };

  /** More work is planned: {@code files} files, of which {@code bytes} bytes are to move. */
  void planned(long files, long bytes);

  /**
   * Everything the caller will move is planned. A run's own progress forwards it once every pass of
   * the run (the apt suites, then the tree) has said so: from then on a share of the whole can be
   * told. A final sync that syncs a suite again plans more after this.
   */
  void planComplete();

  /** Files finished (fetched, failed or missing), with the bytes they moved. */
  void done(long files, long bytes);
}
