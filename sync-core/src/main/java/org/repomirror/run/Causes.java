package org.repomirror.run;

import java.io.IOException;
import java.util.concurrent.ExecutionException;

/** What a task on another thread failed with, as the thread that waits for it throws it. */
public final class Causes {
  private Causes() {}

  /**
   * The I/O failure that ended a task, for its waiter to throw. An unchecked one is thrown from
   * here as it was; any other comes wrapped.
   */
  public static IOException ofTask(ExecutionException e) {
    return switch (e.getCause()) {
      case IOException io -> io;
      case RuntimeException r -> throw r;
      case Error err -> throw err;
      default -> new IOException(e.getCause());
    };
  }
}
