package org.repomirror.run;

/**
 * A source of elapsed time in nanoseconds, for durations (a download's, a phase's): it tells no
 * time of day, and only differences between its readings mean anything. Steps are handed one, as
 * they are handed a {@link java.time.Clock}; implementations are thread-safe.
 */
@FunctionalInterface
public interface Ticker {
  /** The JVM's monotonic time source. */
  Ticker SYSTEM = () -> System.nanoTime();

  long nanos();
}
