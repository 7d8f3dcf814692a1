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
   */
  record Fetched(
      ReleaseFile release,
      List<RawFile> raw,
      Optional<VerifiedRelease> verified,
      String validatorsUrl,
      UpstreamValidators validators)
      implements FetchedRelease {
    public Fetched {
      raw = List.copyOf(raw);
    }
  }
}
