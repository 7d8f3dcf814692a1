package org.repomirror.cli;

/**
 * The share of a sync's work done, as a percentage that follows the bytes the run moves. None is
 * told while the run is still planning (the pool is planned once the indexes are read, the tree a
 * chunk at a time as it is listed): a share of a part would read 99 % long before the end. Once the
 * plan is complete it never goes backwards (a final sync that syncs a suite again plans more; the
 * percentage then holds until the work catches up), by bytes, or by files when nothing planned has
 * a size; it shows at most 99 until {@link #finish}, which makes it 100 once everything planned is
 * done. Thread-safe.
 */
final class MonotonicPercent {
  /** What {@link #update} returns while the run is still planning. */
  static final int UNKNOWN = -1;

  private int shown = UNKNOWN;

  /**
   * The percentage to show now, never below the last one shown; {@link #UNKNOWN} while planning.
   *
   * @param planComplete whether everything the run moves is planned
   */
  synchronized int update(
      long doneFiles, long plannedFiles, long doneBytes, long plannedBytes, boolean planComplete) {
    if (!planComplete) return shown;
    int now;
    if (plannedBytes > 0) {
      now = (int) Math.min(99, doneBytes * 100 / plannedBytes);
    } else if (plannedFiles > 0) {
      now = (int) Math.min(99, doneFiles * 100 / plannedFiles);
    } else {
      now = 0;
    }
    shown = Math.max(shown, now);
    return shown;
  }

  /** The percentage at the end: 100 when everything planned was done, else the last shown. */
  synchronized int finish(long doneFiles, long plannedFiles) {
    if (doneFiles >= plannedFiles) shown = 100;
    return shown;
  }
}
