package org.repomirror.debian;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/** The checksums Debian indexes carry, weakest first. */
public enum HashAlgorithm {
  MD5("MD5Sum", "MD5sum", "Files", "MD5", 32),
  SHA1("SHA1", "SHA1", "Checksums-Sha1", "SHA-1", 40),
  SHA256("SHA256", "SHA256", "Checksums-Sha256", "SHA-256", 64),
  SHA512("SHA512", "SHA512", "Checksums-Sha512", "SHA-512", 128);

  private final String releaseField;
  private final String packagesField;
  private final String sourcesField;
  private final String jcaName;
  private final int hexLength;

  HashAlgorithm(
      String releaseField,
      String packagesField,
      String sourcesField,
      String jcaName,
      int hexLength) {
    this.releaseField = releaseField;
    this.packagesField = packagesField;
    this.sourcesField = sourcesField;
    this.jcaName = jcaName;
    this.hexLength = hexLength;
  }

  /** The field of its list in a Release file, e.g. {@code SHA256}. */
  public String releaseField() {
    return releaseField;
  }

  /** The field in a Packages stanza, e.g. {@code MD5sum}. */
  public String packagesField() {
    return packagesField;
  }

  /** The list field in a Sources stanza, e.g. {@code Checksums-Sha256}. */
  public String sourcesField() {
    return sourcesField;
  }

  /** The by-hash folder name, e.g. {@code SHA256} or {@code MD5Sum}. */
  public String byHashDirectory() {
    return releaseField;
  }

  public int hexLength() {
    return hexLength;
  }

  /** A new JDK digest (SHA-NI accelerated where the CPU has it). */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + jcaName, e);
    }
  }

  /** The lowercase hex checksum of bytes in memory. */
  public String hex(byte[] data) {
    return java.util.HexFormat.of().formatHex(newDigest().digest(data));
  }

  /** Whether a hex string has this algorithm's length and only lowercase or uppercase hex. */
  public boolean isValidHex(String hex) {
    if (hex.length() != hexLength) return false;
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) return false;
    }
    return true;
  }

  /** The algorithm whose Release list has this field name. */
  public static Optional<HashAlgorithm> ofReleaseField(String field) {
    for (HashAlgorithm a : values()) {
      if (a.releaseField.equalsIgnoreCase(field)) return Optional.of(a);
    }
    return Optional.empty();
  }
}
