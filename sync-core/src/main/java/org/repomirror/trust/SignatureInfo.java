package org.repomirror.trust;

import java.time.Instant;

/**
 * One good signature on a Release.
 *
 * @param keyId the signing key, 16 hex digits
 * @param keyAlgorithm e.g. RSA, DSA, EdDSA
 * @param digest e.g. SHA256, SHA1
 * @param created when it was made
 * @param legacy why it counts as legacy (DSA key, SHA-1 digest, expired key), or null
 */
public record SignatureInfo(
    String keyId, String keyAlgorithm, String digest, Instant created, String legacy) {}
