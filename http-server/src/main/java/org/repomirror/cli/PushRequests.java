package org.repomirror.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.repomirror.sync.MirrorLayout;

/**
 * An upstream's push that no sync has yet served, as ftpsync's {@code Archive-Update-Required}
 * file: {@code on-push} leaves it in the mirror's state folder before it tries to sync; every sync
 * takes it as it starts, and runs again when it finds a new one at its end, after it has let go of
 * the mirror. A push that comes while a sync runs is thus never lost: the push's own sync finds the
 * mirror busy, so the holder had not yet let go when the request was left, and it finds the request
 * once it has. Stateless.
 */
final class PushRequests {
  /** Runs of one sync command for one mirror at most, however often the upstream pushes. */
  static final int MAX_RUNS = 5;

  private PushRequests() {}

  /** Where a mirror keeps an upstream's request to run again. */
  static Path file(Path mirror) {
    return new MirrorLayout(mirror).updateRequired();
  }

  /** Leaves a request in the mirror, saying when it came. */
  static void request(Path mirror, Instant now) throws IOException {
    Path file = file(mirror);
    Files.createDirectories(file.getParent());
    Files.writeString(file, now + "\n");
  }

  /** Takes the request, if there is one: the run about to start serves it. */
  static void take(Path mirror) {
    try {
      Files.deleteIfExists(file(mirror));
    } catch (IOException e) {
      // A request that cannot be removed is served again by one more run, at most MAX_RUNS.
    }
  }

  static boolean pending(Path mirror) {
    return Files.exists(file(mirror));
  }
}
