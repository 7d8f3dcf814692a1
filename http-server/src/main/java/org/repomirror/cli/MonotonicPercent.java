package org.repomirror.cli;

/**
 * The share of a sync's work done, as a percentage that never goes backwards although more work is
 * planned as the sync goes (the pool once the indexes are read, one tree chunk after another): when
 * the plan grows, the percentage holds until the work done catches up with it. By bytes, or by
 * files while nothing planned has a size; 100 only once everything planned is done. Thread-safe.
 */
final class MonotonicPercent {
  private int shown;

  /** The percentage to show now, never below the last one shown. */
  synchronized int update(long doneFiles, long plannedFiles, long doneBytes, long plannedBytes) {
    int now;
    if (plannedBytes > 0) {
      now = (int) Math.min(99, doneBytes * 100 / plannedBytes);
    } else if (plannedFiles > 0) {
      now = (int) Math.min(99, doneFiles * 100 / plannedFiles);
    } else {
      now = 0;
    }
    if (plannedFiles > 0 && doneFiles >= plannedFiles) now = 99;
    shown = Math.max(shown, now);
    return shown;
  }

  /** The percentage at the end: 100 when everything planned was done, else the last shown. */
  synchronized int finish(long doneFiles, long plannedFiles) {
    if (doneFiles >= plannedFiles) shown = 100;
    return shown;
  }
}
