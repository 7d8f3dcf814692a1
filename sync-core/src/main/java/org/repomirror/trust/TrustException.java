package org.repomirror.trust;

/**
 * A Release whose signature cannot be trusted: unsigned, badly signed, signed by an unknown key, or
 * signed in a legacy way that the policy does not allow. The sync exits with code 3.
 */
public final class TrustException extends Exception {
  private static final long serialVersionUID = 1L;

  public TrustException(String message) {
    super(message);
  }

  public TrustException(String message, Throwable cause) {
    super(message, cause);
  }
}
