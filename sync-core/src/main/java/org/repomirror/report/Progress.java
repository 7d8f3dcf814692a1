package org.repomirror.report;

/**
 * Receives a sync's progress as it happens: work planned, then each file done. Implementations must
 * be thread-safe: transfer workers call them concurrently.
 */
public interface Progress {
  /** Ignores everything. */
  Progress NONE =
      new Progress() {
        @Override
        public void planned(long files, long bytes) {}

        @Override
        public void done(long files, long bytes) {}
      };

  /** More work is planned: {@code files} files of {@code bytes} bytes to fetch. */
  void planned(long files, long bytes);

  /** Files finished (fetched, failed or missing), with the bytes they took. */
  void done(long files, long bytes);
}
