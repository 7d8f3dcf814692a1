package org.repomirror.transfer;

import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;
import org.repomirror.run.Failure;
import org.repomirror.run.FileAction;

/** How a fetch that did not succeed is reported. */
public final class Failures {
  private Failures() {}

  /** Whether a mismatched file is kept as the upstream serves it (mirror-as-is). */
  public static boolean keptAsIs(FetchOutcome.Failed f, Transfer.MismatchPolicy policy) {
    return policy == Transfer.MismatchPolicy.MIRROR_AS_IS
        && f.kept() != null
        && !f.quarantined()
        && f.actualHashes() != null;
  }

  /**
   * @param outcome anything but {@link FetchOutcome.Fetched}
   */
  public static Failure of(FetchOutcome outcome, Transfer.MismatchPolicy policy) {
    Hashes expected = outcome.task().expected().hashes();
    long size = outcome.task().expected().size();
    String path = outcome.task().localPath();
    return switch (outcome) {
      case FetchOutcome.Missing m ->
          new Failure(
              path,
              m.url(),
              size,
              strongest(expected),
              -1,
              null,
              status(m.status(), "404 Not Found"),
              FileAction.MISSING);
      case FetchOutcome.Refused r ->
          new Failure(
              path, r.url(), size, strongest(expected), -1, null, r.reason(), FileAction.REFUSED);
      case FetchOutcome.Failed f ->
          new Failure(
              path,
              f.url(),
              size,
              strongest(expected),
              f.actualSize(),
              actualHash(expected, f.actualHashes()),
              f.reason(),
              f.actualHashes() == null
                  ? FileAction.GAVE_UP
                  : keptAsIs(f, policy) ? FileAction.KEPT_AS_IS : FileAction.QUARANTINED);
      case FetchOutcome.Fetched x -> throw new IllegalArgumentException(path + " was fetched");
    };
  }

  /** A status line for a refusal or a 404: {@code HTTP 403}, or the default when there was none. */
  public static String status(int status, String otherwise) {
    return status > 0 ? "HTTP " + status : otherwise;
  }

  private static String strongest(Hashes h) {
    if (h == null) return null;
    HashAlgorithm a = h.strongest();
    return a + ":" + h.get(a).orElse("");
  }

  /** The received bytes' checksum in the algorithm the index gave, so the two compare. */
  private static String actualHash(Hashes expected, Hashes actual) {
    if (actual == null) return null;
    HashAlgorithm a = expected != null ? expected.strongest() : HashAlgorithm.SHA256;
    return a + ":" + actual.get(a).orElse("?");
  }
}
