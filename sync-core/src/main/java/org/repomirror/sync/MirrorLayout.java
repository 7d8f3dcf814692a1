package org.repomirror.sync;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.repomirror.config.StoreConfig;
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

  /**
   * Where a running {@code serve} of this tree takes syncs handed to it: a Unix socket that only
   * its user and root may use.
   */
  public Path serviceSocket() {
    return state().resolve("service.sock");
  }

  /** An upstream's push that came while a sync ran, for that sync to run again. */
  public Path updateRequired() {
    return state().resolve("update-required");
  }

  /**
   * Where the mirror publishes when not into its root: the sync writes the object store it
   * publishes into here (where it is and how to reach it, never a secret), so that the commands
   * that read the published tree find it from the root alone.
   */
  public Path publishedIn() {
    return state().resolve("published-in");
  }

  /**
   * Notes the object store the mirror publishes into, or that it publishes into its root (null).
   * The first line is the location; {@code key value} lines follow.
   */
  public void recordPublishedIn(StoreConfig store) throws IOException {
    if (store == null) {
      Files.deleteIfExists(publishedIn());
      return;
    }
    StringBuilder s = new StringBuilder(store.location() + "\n");
    if (store.endpoint() != null) s.append("endpoint ").append(store.endpoint()).append('\n');
    s.append("region ").append(store.region()).append('\n');
    s.append("path-style ").append(store.pathStyle()).append('\n');
    if (store.credentialsFile() != null) {
      s.append("credentials-file ").append(store.credentialsFile()).append('\n');
    }
    Files.writeString(publishedIn(), s);
  }

  /** The object store the mirror publishes into, as its last sync noted; else empty. */
  public Optional<StoreConfig> publishedElsewhere() throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(publishedIn());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Map<String, String> fields = new HashMap<>();
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      int space = line.indexOf(' ');
      if (space > 0) fields.put(line.substring(0, space), line.substring(space + 1).strip());
    }
    try {
      return Optional.of(
          new StoreConfig(
              URI.create(lines.isEmpty() ? "" : lines.getFirst().strip()),
              fields.containsKey("endpoint") ? URI.create(fields.get("endpoint")) : null,
              fields.get("region"),
              fields.containsKey("path-style") ? Boolean.valueOf(fields.get("path-style")) : null,
              fields.containsKey("credentials-file")
                  ? Path.of(fields.get("credentials-file"))
                  : null));
    } catch (IllegalArgumentException e) {
      throw new IOException(
          publishedIn() + ": not a store this version can read: " + e.getMessage());
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
