package org.repomirror.store.s3;

import java.util.ArrayDeque;
import java.util.Deque;

/** Paths of a tree kept as keys, where a folder is only a part of a key. */
final class ObjectPaths {
  private ObjectPaths() {}

  /**
   * Where a link at a path leads, as a path of the tree: its target taken from the link's folder,
   * dot-segments resolved. Null when it leads outside the tree, is absolute, or names a hidden
   * segment, as a link on disk that is not followed.
   */
  static String resolveLink(String link, String target) {
    if (target.isEmpty() || target.startsWith("/")) return null;
    Deque<String> segments = new ArrayDeque<>();
    int slash = link.lastIndexOf('/');
    if (slash > 0) {
      for (String s : link.substring(0, slash).split("/")) segments.addLast(s);
    }
    for (String s : target.split("/")) {
      if (s.isEmpty() || s.equals(".")) continue;
      if (s.equals("..")) {
        if (segments.isEmpty()) return null;
        segments.removeLast();
      } else if (s.startsWith(".")) {
        return null;
      } else {
        segments.addLast(s);
      }
    }
    return segments.isEmpty() ? null : String.join("/", segments);
  }
}
