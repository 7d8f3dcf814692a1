package org.repomirror.tree.format;

import java.util.ArrayDeque;
import java.util.Deque;

/** Rules for paths of a mirrored tree. */
public final class TreePaths {
  private TreePaths() {}

  /**
   * Whether a symbolic link at {@code linkPath} pointing to {@code target} resolves inside the
   * tree: the target is relative, and its {@code ..} segments never climb above the root. A link
   * that leaves the tree would let the server serve whatever it points at.
   *
   * @param linkPath the link's path relative to the root
   */
  public static boolean linkStaysInside(String linkPath, String target) {
    if (target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) return false;
    Deque<String> segments = new ArrayDeque<>();
    String[] parts = linkPath.split("/");
    for (int i = 0; i < parts.length - 1; i++) segments.addLast(parts[i]);
    for (String s : target.split("/")) {
      if (s.isEmpty() || s.equals(".")) continue;
      if (s.equals("..")) {
        if (segments.isEmpty()) return false;
        segments.removeLast();
      } else {
        if (s.startsWith(".")) return false; // a hidden file is never served
        segments.addLast(s);
      }
    }
    return true;
  }
}
