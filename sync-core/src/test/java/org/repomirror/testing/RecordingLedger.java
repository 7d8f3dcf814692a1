package org.repomirror.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.repomirror.run.Change;
import org.repomirror.run.Failure;
import org.repomirror.run.Ledger;
import org.repomirror.run.Phase;

/** A ledger that keeps what a step tells it, for tests of one step. Thread-safe. */
public final class RecordingLedger implements Ledger {
  public final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  public final List<String> deleted = Collections.synchronizedList(new ArrayList<>());
  public final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
  public final List<Phase> phases = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void warn(String warning) {
    warnings.add(warning);
  }

  @Override
  public void fail(Scope scope, Failure failure) {
    failures.add(failure);
  }

  @Override
  public void changed(String path, Change.Action action) {
    if (action == Change.Action.DELETED) deleted.add(path);
  }

  @Override
  public void fetched(long bytes) {}

  @Override
  public Timing time(Phase phase) {
    phases.add(phase);
    return () -> {};
  }
}
