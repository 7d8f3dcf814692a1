package org.repomirror.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

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

  static final String FILE = ".repomirror/update-required";

  private PushRequests() {}

  /** Leaves a request in the mirror, saying when it came. */
  static void request(Path mirror, Instant now) throws IOException {
    Path file = mirror.resolve(FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, now + "\n");
  }

  /** Takes the request, if there is one: the run about to start serves it. */
  static void take(Path mirror) {
    try {
      Files.deleteIfExists(mirror.resolve(FILE));
    } catch (IOException e) {
      // A request that cannot be removed is served again by one more run, at most MAX_RUNS.
    }
  }

  static boolean pending(Path mirror) {
    return Files.exists(mirror.resolve(FILE));
  }
}
