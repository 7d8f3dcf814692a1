package org.repomirror.plan;

import java.util.Optional;

/**
 * What the mirror's disk holds at a path, as the planner needs to know it. Implementations stat the
 * real disk (one call per path) or, in tests, a map.
 */
public interface DiskView {

  /**
   * What is at a path, not following links.
   *
   * @param regularFile false for a link, a folder or anything else
   */
  record OnDisk(boolean regularFile, long size, long mtimeMillis) {}

  Optional<OnDisk> stat(String path);

  /** Where the symbolic link at a path points, or empty when there is none. */
  Optional<String> linkTarget(String path);
}
