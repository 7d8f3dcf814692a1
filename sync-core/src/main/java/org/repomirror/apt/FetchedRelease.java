package org.repomirror.apt;

import java.util.List;
import java.util.Optional;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.source.UpstreamValidators;
import org.repomirror.trust.VerifiedRelease;

/** What fetching a suite's Release found. */
public sealed interface FetchedRelease {

  /**
   * The upstream says the Release is the one published; nothing was downloaded.
   *
   * @param verified who signed the published copy, checked with this run's keyring; empty when
   *     verification is off
   */
  record Unchanged(Optional<VerifiedRelease> verified) implements FetchedRelease {}

  /**
   * A new Release, its signature verified (unless verification is off).
   *
   * @param raw the InRelease, Release and Release.gpg as fetched, InRelease first
   * @param verified who signed it; empty when verification is off
   * @param validatorsUrl the URL whose validators decide next time whether it changed
   * @param warnings what is wrong upstream but does not keep the suite from being mirrored
   */
  record Fetched(
      ReleaseFile release,
      List<RawFile> raw,
      Optional<VerifiedRelease> verified,
      String validatorsUrl,
      UpstreamValidators validators,
      List<String> warnings)
      implements FetchedRelease {
    public Fetched {
      raw = List.copyOf(raw);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * A Release that is not what the InRelease beside it signs: the upstream is half-way through an
   * update, or its caches serve the two from different moments. Legacy clients, which read the
   * Release, would be sent indexes it does not list.
   */
  final class Inconsistent extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    Inconsistent() {
      super(
          "the Release lists other files than the InRelease: the upstream is being updated, or"
              + " serves them from different moments");
    }
  }
}
