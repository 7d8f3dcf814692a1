package org.repomirror.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the reliability tests write the figures that docs/RELIABILITY.md quotes: one line per test
 * in {@code target/reliability.txt}, also printed.
 */
public final class Reliability {
  private Reliability() {}

  public static synchronized void record(String test, String figures) {
    String line = test + ": " + figures;
    System.out.println("[reliability] " + line);
    try {
      Files.writeString(
          Path.of("target", "reliability.txt"),
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the figures are printed anyway
    }
  }
}
