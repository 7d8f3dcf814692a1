package org.repomirror.trust;

import java.util.List;

/**
 * A Release whose signature checked out.
 *
 * @param signedText the text that was signed: for InRelease the clear text without its armor, for
 *     Release the file itself; this, and only this, may be parsed
 * @param signatures the good signatures, at least one
 */
public record VerifiedRelease(byte[] signedText, List<SignatureInfo> signatures) {
  public VerifiedRelease {
    signatures = List.copyOf(signatures);
  }

  /** Whether any good signature needed the allow-legacy-signatures policy. */
  public boolean usedLegacy() {
    return signatures.stream().allMatch(s -> s.legacy() != null);
  }
}
