package org.repomirror.sync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.repomirror.run.Change;
import org.repomirror.run.Failure;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;
import org.repomirror.run.Ticker;

/**
 * What one run found and did: failures (by the pass that found them), warnings, the paths it
 * changed, the time of each phase and the bytes it fetched. A final sync that syncs the suites
 * again starts their failures afresh: only the last attempt counts. Thread-safe.
 */
final class RunLedger implements Ledger {
  /** Changed paths listed in an ordinary run's report; a final sync lists every one. */
  static final int MAX_CHANGES_REPORTED = 10_000;

  private final boolean everyChange;
  private final Map<Scope, List<Failure>> failures = new EnumMap<>(Scope.class);
  private final List<String> warnings = new ArrayList<>();
  private final List<Change> changes = new ArrayList<>();
  private final Map<Phase, Long> phaseMillis = new LinkedHashMap<>();
  private final AtomicLong bytesFetched = new AtomicLong();
  private long changesOmitted;

  /**
   * @param everyChange list every changed path (a final sync), not only the first {@value
   *     #MAX_CHANGES_REPORTED}
   */
  RunLedger(boolean everyChange) {
    this.everyChange = everyChange;
    for (Scope s : Scope.values()) failures.put(s, new ArrayList<>());
  }

  @Override
  public synchronized void fail(Scope scope, Failure f) {
    failures.get(scope).add(f);
  }

  /** Forgets a pass's failures before it runs again. */
  synchronized void restart(Scope scope) {
    failures.get(scope).clear();
  }

  synchronized List<Failure> failures() {
    List<Failure> all = new ArrayList<>();
    failures.values().forEach(all::addAll);
    return all;
  }

  @Override
  public synchronized void warn(String warning) {
    warnings.add(warning);
  }

  synchronized List<String> warnings() {
    return List.copyOf(warnings);
  }

  @Override
  public synchronized void changed(String path, Change.Action action) {
    if (everyChange || changes.size() < MAX_CHANGES_REPORTED) {
      changes.add(new Change(path, action));
    } else {
      changesOmitted++;
    }
  }

  synchronized List<Change> changes() {
    return List.copyOf(changes);
  }

  synchronized long changesOmitted() {
    return changesOmitted;
  }

  @Override
  public Timing time(Phase phase) {
    long start = Ticker.SYSTEM.nanos();
    return () -> add(phase, (Ticker.SYSTEM.nanos() - start) / 1_000_000);
  }

  /** Adds time to a phase. */
  synchronized void add(Phase phase, long millis) {
    phaseMillis.merge(phase, millis, Long::sum);
  }

  /** Each phase's wall time in milliseconds, by its label, in the order they first ran. */
  synchronized Map<String, Long> phases() {
    Map<String, Long> byLabel = new LinkedHashMap<>();
    phaseMillis.forEach((phase, ms) -> byLabel.put(phase.label(), ms));
    return Collections.unmodifiableMap(byLabel);
  }

  synchronized long millis(Phase phase) {
    return phaseMillis.getOrDefault(phase, 0L);
  }

  @Override
  public void fetched(long bytes) {
    bytesFetched.addAndGet(bytes);
  }

  long bytesFetched() {
    return bytesFetched.get();
  }
}
