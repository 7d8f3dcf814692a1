package org.repomirror.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.repomirror.plan.DiskView;

/**
 * The tree a mirror serves, behind one interface: every change a sync makes to what clients see,
 * and every read it makes of it, goes through here. Verified files wait in staging; content is
 * placed whole and atomically; a suite's metadata is switched in one step as a new generation of
 * its dists folder; what no suite wants any more is deleted. A server reads it through {@link
 * ServedTree}. Paths are relative to the tree's root. The local filesystem is one implementation
 * ({@link LocalTree}), an S3 bucket another ({@code s3.BucketTree}), without the planner or the
 * steps knowing. Reads are thread-safe; one run changes a tree at a time.
 */
public interface PublishedTree extends DiskView {
  /**
   * A verified file in staging and where it goes.
   *
   * @param localPath relative to the tree's root
   * @param sha256 the SHA-256 it was verified to have, lowercase hex, for a tree that checks it
   *     again as it writes; null when none is known (the mirror's own outputs)
   */
  record Staged(Path staged, String localPath, String sha256) {
    public Staged(Path staged, String localPath) {
      this(staged, localPath, null);
    }
  }

  /**
   * A symbolic link to make.
   *
   * @param mtimeMillis the link's own mtime, or -1 to leave it as made
   */
  record Link(String localPath, String target, long mtimeMillis) {}

  /**
   * Opens a published file.
   *
   * @throws NoSuchFileException when there is none at the path
   */
  /** The tree as {@code verify} reads it. */
  PublishedFiles files();

  InputStream open(String path) throws IOException;

  /** A published file's bytes, or empty when there is none at the path. */
  default Optional<byte[]> read(String path) throws IOException {
    try (InputStream in = open(path)) {
      return Optional.of(in.readAllBytes());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Whether anything is at the path. */
  default boolean exists(String path) {
    return stat(path).isPresent();
  }

  /**
   * A folder's mtime, which changes whenever an entry in it is made, removed or renamed; empty when
   * there is no folder at the path, or the tree has no such thing.
   */
  OptionalLong folderMtime(String path) throws IOException;

  /** Where files wait, verified, until they are placed: a local folder. */
  Path staging();

  /** Throws away a staged file that will not be placed. */
  void discard(Path staged) throws IOException;

  /**
   * Places content that no published metadata references yet (pool files, by-hash objects), each
   * file whole: durable first, then visible in one step.
   */
  void placeContent(List<Staged> staged) throws IOException;

  /** Makes each link beside its path and puts it in place, so that it appears whole. */
  void placeLinks(List<Link> links) throws IOException;

  /**
   * Places metadata once everything it references is in place: indexes first, then Release.gpg,
   * Release and InRelease, so that a client that sees the new Release also sees what it lists.
   */
  void placeMetadata(List<Staged> staged) throws IOException;

  /**
   * Makes a new generation of a suite's dists folder, the staged files put in or over what it
   * serves, and switches to it in one step: a reader sees the old generation or the new one.
   *
   * @param id larger than the current generation's (the epoch ms of its making)
   */
  void switchGeneration(String dist, long id, List<Staged> staged) throws IOException;

  /** The generation a suite's dists folder serves; empty before the first. */
  Optional<Long> currentGeneration(String dist) throws IOException;

  /** The generations kept of a suite, for clients pinned to them, oldest first. */
  List<Long> keptGenerations(String dist) throws IOException;

  /** The suites that have generations. */
  List<String> suitesWithGenerations() throws IOException;

  /** Removes a kept generation that no pinned client can reach any more. */
  void retireGeneration(String dist, long id) throws IOException;

  /**
   * Finishes or rolls back what an interrupted switch left.
   *
   * @return how many leftovers were removed
   */
  int recoverGenerations() throws IOException;

  /**
   * Keeps a copy of the index beside the tree, for a tree the sync node does not hold (a bucket): a
   * sync node that lost its index loads it rather than fetch the tree again. A tree on the sync
   * node's own disk keeps none: its index lives beside it.
   *
   * @param copy the copy, a local file
   */
  default void keepIndex(Path copy) throws IOException {}

  /** The copy of the index kept beside the tree, opened; empty when there is none. */
  default Optional<InputStream> keptIndex() throws IOException {
    return Optional.empty();
  }

  /** Whether a copy of the index is kept beside the tree. */
  default boolean hasKeptIndex() throws IOException {
    return false;
  }

  /** Deletes published files, and the folders that leaves empty, as rsync --delete does. */
  void delete(List<String> paths) throws IOException;

  /**
   * Where a file stands in the order a suite's metadata is placed: indexes (0), then Release.gpg,
   * Release and InRelease (1 to 3).
   */
  static int releaseRank(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return switch (name) {
      case "Release.gpg" -> 1;
      case "Release" -> 2;
      case "InRelease" -> 3;
      default -> 0;
    };
  }
}
