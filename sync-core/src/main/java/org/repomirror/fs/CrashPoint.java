package org.repomirror.fs;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points where the crash-safety tests kill the process with SIGKILL: set the system property
 * {@code repomirror.crash-at} to {@code <point>:<n>} and the n-th time the point is reached, the
 * process sends itself {@code kill -9}. Without the property, reaching a point costs one map
 * lookup. The points: {@code staged} (a file verified in staging), {@code publish-content} and
 * {@code publish-metadata} (between two renames into the served tree), {@code index-commit} (just
 * before a batch is written), {@code generation-built} and {@code generation-switched} (either side
 * of a suite's switch); in an object store also {@code bucket-content} (after an object is
 * written), {@code bucket-part} (after a part of a big one) and {@code bucket-plain} (between the
 * copies to the plain dists keys).
 */
public final class CrashPoint {
  private static final String SETTING = System.getProperty("repomirror.crash-at", "");
  private static final ConcurrentHashMap<String, AtomicInteger> REACHED = new ConcurrentHashMap<>();

  private CrashPoint() {}

  public static void reached(String point) {
    if (SETTING.isEmpty() || !SETTING.startsWith(point + ":")) return;
    int n = Integer.parseInt(SETTING.substring(point.length() + 1));
    if (REACHED.computeIfAbsent(point, p -> new AtomicInteger()).incrementAndGet() != n) return;
    try {
      new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid()))
          .inheritIO()
          .start()
          .waitFor();
      Thread.sleep(60_000); // the signal is on its way
    } catch (IOException | InterruptedException e) {
      Runtime.getRuntime().halt(137);
    }
  }
}
