package org.repomirror.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT and SIGTERM during a run into a request to stop it, and holds the process's exit
 * until the run has stopped as it should: its lock released, its record written, its one line
 * printed. The JVM runs shutdown hooks on those signals; this is one, for the length of a run, and
 * it waits at most {@value #MAX_WAIT_SECONDS} s (a download that ignores being broken off, say).
 * Thread-safe.
 */
final class StopOnSignal implements AutoCloseable {
  private static final long MAX_WAIT_SECONDS = 60;

  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook = new Thread(this::signalled, "stop-on-signal");
  private volatile Runnable stop = () -> {};

  private StopOnSignal() {}

  /** Watches for the signals until {@link #close}. */
  static StopOnSignal install() {
    StopOnSignal s = new StopOnSignal();
    Runtime.getRuntime().addShutdownHook(s.hook);
    return s;
  }

  /** What stops the run, once there is one to stop. */
  void whenSignalled(Runnable stop) {
    this.stop = stop;
  }

  private void signalled() {
    stop.run();
    try {
      done.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The run is over: the process may exit. */
  @Override
  public void close() {
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Shutting down: the hook runs now, and returns.
    }
  }
}
