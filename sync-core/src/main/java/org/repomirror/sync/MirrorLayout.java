package org.repomirror.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.repomirror.report.TraceFile;
import org.repomirror.tree.format.Manifest;

/**
 * Where a mirror keeps what: the served tree at its root, and its state under {@code .repomirror/}
 * (index, staging, quarantine, reports, lock) on the same filesystem, so that a rename from staging
 * into the tree is atomic. Also which paths of the tree the mirror writes itself. Immutable.
 */
public record MirrorLayout(Path root) {
  static final String STATE = ".repomirror";

  public Path resolve(String path) {
    return root.resolve(path);
  }

  public Path state() {
    return root.resolve(STATE);
  }

  public Path index() {
    return state().resolve("index");
  }

  public Path staging() {
    return state().resolve("staging");
  }

  /**
   * Where an rsync upstream's runs put files before the transfer takes them, and keep partial
   * copies between runs: inside staging, so that taking one is a rename, under a hidden name that
   * no staged file has.
   */
  public Path rsyncWork() {
    return staging().resolve(".rsync");
  }

  public Path quarantine() {
    return state().resolve("quarantine");
  }

  public Path reports() {
    return state().resolve("reports");
  }

  public Path lock() {
    return state().resolve("lock");
  }

  /** An upstream's push that came while a sync ran, for that sync to run again. */
  public Path updateRequired() {
    return state().resolve("update-required");
  }

  /**
   * Where the mirror publishes when not into its root: the sync writes the object store's location
   * here, so that the commands that read a tree on disk know the root holds only state.
   */
  public Path publishedIn() {
    return state().resolve("published-in");
  }

  /** The object store a mirror publishes into, when its last sync said so; else empty. */
  public Optional<String> publishedElsewhere() {
    try {
      return Optional.of(Files.readString(publishedIn()).strip());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether a path of the tree is written by this instance itself, never mirrored. */
  public static boolean ownOutput(String path) {
    return path.startsWith("project/repomirror/") || path.startsWith(TraceFile.DIRECTORY);
  }

  /** The manifest this instance publishes for downstream instances. */
  public static String manifest() {
    return Manifest.PATH;
  }
}
