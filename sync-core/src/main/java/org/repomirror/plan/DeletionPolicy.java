package org.repomirror.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * When a file the mirror holds may go: it is marked once nothing published references it any more,
 * waits out a grace period (clients holding old metadata may still ask for it), and is deleted only
 * when nothing wants it again by then, and only when fewer files are due than the max-delete guard
 * allows (more looks like a broken upstream). Pure.
 */
public final class DeletionPolicy {
  private DeletionPolicy() {}

  /**
   * What a suite's publication changes in the pending deletions.
   *
   * @param toMark paths the suite referenced before and nothing references now
   * @param toUnmark paths pending deletion that the suite references again
   */
  public record Marks(List<String> toMark, List<String> toUnmark) {}

  /**
   * @param before what the suite referenced when it was last published
   * @param now what it references now
   * @param wantedElsewhere whether another published suite, or this run, still wants a path
   * @param pending paths already pending deletion
   */
  public static Marks marks(
      Set<String> before,
      Set<String> now,
      Predicate<String> wantedElsewhere,
      Map<String, Long> pending) {
    List<String> mark = new ArrayList<>();
    for (String path : before) {
      if (!now.contains(path) && !pending.containsKey(path) && !wantedElsewhere.test(path)) {
        mark.add(path);
      }
    }
    List<String> unmark = new ArrayList<>();
    for (String path : now) {
      if (pending.containsKey(path)) unmark.add(path);
    }
    return new Marks(mark, unmark);
  }

  /**
   * What a sweep does.
   *
   * @param delete paths to delete now
   * @param unmark pending paths that are wanted again
   * @param held paths that were due but held back by the max-delete guard
   */
  public record Sweep(List<String> delete, List<String> unmark, List<String> held) {
    /** Nothing was pending. */
    public static final Sweep NOTHING = new Sweep(List.of(), List.of(), List.of());

    public boolean guardTripped() {
      return !held.isEmpty();
    }
  }

  /**
   * @param pending paths pending deletion, with when they stopped being referenced (epoch ms)
   * @param stillWanted whether a published suite or this run wants a path
   */
  public static Sweep sweep(
      Map<String, Long> pending,
      Predicate<String> stillWanted,
      long nowMillis,
      Duration grace,
      int maxDelete) {
    List<String> due = new ArrayList<>();
    List<String> unmark = new ArrayList<>();
    for (Map.Entry<String, Long> e : pending.entrySet()) {
      if (stillWanted.test(e.getKey())) {
        unmark.add(e.getKey());
      } else if (e.getValue() + grace.toMillis() <= nowMillis) {
        due.add(e.getKey());
      }
    }
    if (due.size() > maxDelete) return new Sweep(List.of(), unmark, due);
    return new Sweep(due, unmark, List.of());
  }

  /**
   * The kept generations of a suite that may go: each superseded (by the next one) more than the
   * grace period ago, so that no client pinned to it can still be served from it. The current
   * generation always stays, and so does any pool file it references: a file only an older
   * generation referenced was marked when that generation was superseded, and waits out the same
   * grace.
   *
   * @param kept the generation ids, in any order (an id is the epoch ms it was made)
   * @param current the served generation
   */
  public static List<Long> retiredGenerations(
      List<Long> kept, long current, long nowMillis, Duration grace) {
    List<Long> sorted = new ArrayList<>(kept);
    sorted.sort(null);
    List<Long> retired = new ArrayList<>();
    for (int i = 0; i + 1 < sorted.size(); i++) {
      long id = sorted.get(i);
      long supersededAt = sorted.get(i + 1);
      if (id < current && supersededAt + grace.toMillis() <= nowMillis) retired.add(id);
    }
    return retired;
  }
}
