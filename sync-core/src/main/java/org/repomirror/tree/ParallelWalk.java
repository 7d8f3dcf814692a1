package org.repomirror.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/** Runs a recursive listing (a folder, a page) on its own pool of threads. */
final class ParallelWalk {
  private ParallelWalk() {}

  /**
   * @param root the listing of the top folder, which forks one task per subfolder
   * @throws IOException the first failure of any task, which ends the listing
   */
  static void run(int threads, RecursiveAction root) throws IOException {
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      pool.invoke(root);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      pool.shutdownNow();
    }
  }
}
