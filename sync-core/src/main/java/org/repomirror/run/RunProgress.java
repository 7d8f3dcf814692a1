package org.repomirror.run;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A run's progress as its passes report it: the plan is complete once every pass of the run (the
 * apt pass, then the tree pass in tree mode) has planned what it moves. Thread-safe.
 */
public final class RunProgress implements Progress {
  private final Progress out;
  private final AtomicInteger passesToPlan;

  /**
   * @param passes how many passes plan work in this run
   */
  public RunProgress(Progress out, int passes) {
    this.out = out;
    this.passesToPlan = new AtomicInteger(passes);
  }

  @Override
  public void planned(long files, long bytes) {
    out.planned(files, bytes);
  }

  /** One pass has planned all it moves: the plan is complete once every pass has. */
  @Override
  public void planComplete() {
    if (passesToPlan.decrementAndGet() == 0) out.planComplete();
  }

  @Override
  public void done(long files, long bytes) {
    out.done(files, bytes);
  }
}
