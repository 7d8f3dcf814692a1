package org.repomirror.sync;

import java.util.List;
import java.util.Optional;
import org.repomirror.trust.VerifiedRelease;

/** How a suite's signatures read in a report. */
final class Signatures {
  private Signatures() {}

  /** A line per signature: key, algorithm and digest, and whether legacy ones were accepted. */
  static List<String> describe(Optional<VerifiedRelease> verified) {
    if (verified.isEmpty()) return List.of("not verified");
    return verified.get().signatures().stream()
        .map(
            s ->
                s.keyId()
                    + " "
                    + s.keyAlgorithm()
                    + "/"
                    + s.digest()
                    + (s.legacy() == null ? "" : " LEGACY: " + s.legacy()))
        .toList();
  }
}
