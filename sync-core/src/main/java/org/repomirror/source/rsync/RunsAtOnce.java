package org.repomirror.source.rsync;

import java.util.List;

/**
 * How many runs of rsync go at once: as many as asked, until the daemon refuses one for its {@code
 * max connections}. Then fewer than were under way, and the report is told once how many. Counts
 * the runners that take batches and the runs under way. Thread-safe.
 */
final class RunsAtOnce {
  private final int asked;
  private int allowed;
  private int said;
  private int runners;
  private int underWay;

  RunsAtOnce(int asked) {
    this.asked = Math.max(1, asked);
    this.allowed = this.asked;
    this.said = this.asked;
  }

  /** Whether another runner may start; if so, it is counted. */
  synchronized boolean addRunner() {
    if (runners >= allowed) return false;
    runners++;
    return true;
  }

  /** Whether a runner is one too many since the daemon refused a run; if so, it ends uncounted. */
  synchronized boolean retireRunner() {
    if (runners <= allowed) return false;
    runners--;
    return true;
  }

  synchronized void runStarted() {
    underWay++;
  }

  synchronized void runEnded() {
    underWay--;
  }

  /**
   * Hears that the daemon refused a run for its limit, the run still counted as under way. With
   * others under way, the runs at once come down below their number and the run is to go again;
   * alone, the limit is other clients', and the run fails as worth retrying later.
   *
   * @return whether the refused run's batch goes again
   */
  synchronized boolean refused() {
    if (underWay <= 1) return false;
    allowed = Math.min(allowed, underWay - 1);
    return true;
  }

  synchronized int allowed() {
    return allowed;
  }

  /** What the report should say, once: how far the runs at once came down. */
  synchronized List<String> warnings(String upstream) {
    if (allowed >= said) return List.of();
    said = allowed;
    return List.of(
        upstream
            + " refused runs of rsync beyond "
            + allowed
            + " at once (its max connections): "
            + allowed
            + " at once instead of "
            + asked);
  }
}
