package org.repomirror.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * What an upstream's push asks for, in ftpsync's sync flags as Debian's {@code runmirrors} sends
 * them through ssh ({@code sync:archive:debian sync:all}). repomirror publishes each suite in one
 * atomic step, so {@code sync:stage1}, {@code sync:stage2} and {@code sync:all} each ask for a
 * whole sync; {@code sync:callback} and {@code sync:mhop} are accepted and have nothing to do.
 * Anything else is refused, so that a key meant for pushes runs nothing but a sync.
 *
 * @param archives the mirrors named by {@code sync:archive:NAME}; none, or only empty names (the
 *     main archive, as runmirrors sends it), means every mirror
 * @param notes what was asked that repomirror does otherwise, to say so
 */
record PushFlags(List<String> archives, List<String> notes) {
  static final int MAX_LENGTH = 1000;
  static final int MAX_WORDS = 16;

  /** Reads the flags; an {@link IllegalArgumentException} says what was refused. */
  static PushFlags parse(List<String> words) {
    if (words.size() > MAX_WORDS || String.join(" ", words).length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "refused: more than " + MAX_WORDS + " flags or " + MAX_LENGTH + " characters");
    }
    List<String> archives = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (String word : words) {
      switch (word) {
        case "sync:all" -> {}
        case "sync:stage1", "sync:stage2" ->
            notes.add(word + ": repomirror syncs in one stage, so a whole sync runs");
        case "sync:callback" -> notes.add(word + ": not supported, no callback is made");
        case "sync:mhop" -> notes.add(word + ": nothing to do, a whole sync runs");
        default -> {
          if (!word.startsWith("sync:archive:")) {
            throw new IllegalArgumentException(
                "refused '"
                    + word
                    + "': a push may ask for sync:all, sync:archive:NAME, sync:stage1, sync:stage2,"
                    + " sync:callback or sync:mhop only");
          }
          String name = word.substring("sync:archive:".length());
          if (!name.isEmpty() && !archives.contains(name)) archives.add(name);
        }
      }
    }
    return new PushFlags(List.copyOf(archives), List.copyOf(notes));
  }

  /** The flags of a forced command: the words of {@code SSH_ORIGINAL_COMMAND}, then its own. */
  static List<String> words(String sshOriginalCommand, List<String> own) {
    List<String> words = new ArrayList<>();
    if (sshOriginalCommand != null && !sshOriginalCommand.isBlank()) {
      words.addAll(List.of(sshOriginalCommand.strip().split("\\s+")));
    }
    words.addAll(own);
    return words;
  }
}
