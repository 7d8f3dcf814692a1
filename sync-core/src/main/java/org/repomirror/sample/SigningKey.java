package org.repomirror.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;

/**
 * An OpenPGP signing key for sample and test archives, made with BouncyCastle: RSA with SHA-256
 * signatures, as current Debian archives use. Thread-safe after construction.
 */
public final class SigningKey {
  private final PGPKeyPair keyPair;
  private final PGPPublicKeyRing publicRing;
  private final int hashAlgorithm;

  private SigningKey(PGPKeyPair keyPair, PGPPublicKeyRing publicRing, int hashAlgorithm) {
    this.keyPair = keyPair;
    this.publicRing = publicRing;
    this.hashAlgorithm = hashAlgorithm;
  }

  /** A new 2048-bit RSA key whose signatures use SHA-256. */
  public static SigningKey generateRsa(String userId) {
    return generate("RSA", PGPPublicKey.RSA_GENERAL, 2048, userId, HashAlgorithmTags.SHA256);
  }

  /**
   * A new key of any JCA algorithm the PGP layer knows.
   *
   * @param hashAlgorithm the digest of the signatures it makes, a {@link HashAlgorithmTags} value
   */
  public static SigningKey generate(
      String jcaAlgorithm, int pgpAlgorithm, int bits, String userId, int hashAlgorithm) {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance(jcaAlgorithm);
      kpg.initialize(bits);
      KeyPair kp = kpg.generateKeyPair();
      PGPKeyPair pgp = new JcaPGPKeyPair(PublicKeyPacket.VERSION_4, pgpAlgorithm, kp, new Date());
      PGPDigestCalculator sha1 =
          new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1);
      PGPSignatureSubpacketGenerator flags = new PGPSignatureSubpacketGenerator();
      flags.setKeyFlags(false, KeyFlags.SIGN_DATA | KeyFlags.CERTIFY_OTHER);
      PGPKeyRingGenerator ring =
          new PGPKeyRingGenerator(
              PGPSignature.POSITIVE_CERTIFICATION,
              pgp,
              userId,
              sha1,
              flags.generate(),
              null,
              new JcaPGPContentSignerBuilder(pgpAlgorithm, HashAlgorithmTags.SHA256),
              null);
      return new SigningKey(pgp, ring.generatePublicKeyRing(), hashAlgorithm);
    } catch (GeneralSecurityException | PGPException e) {
      throw new IllegalStateException("cannot generate a test key", e);
    }
  }

  /** The key ID, as apt and gpg print it. */
  public long keyId() {
    return keyPair.getKeyID();
  }

  /** The public keyring in binary form, as in {@code /usr/share/keyrings/*.gpg}. */
  public byte[] publicKeyring() {
    try {
      return publicRing.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public keyring, ASCII-armored, as in {@code *.asc}. */
  public byte[] armoredPublicKeyring() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
      publicRing.encode(armored);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** Writes the binary public keyring to a file and returns it. */
  public Path writePublicKeyring(Path file) throws IOException {
    Files.write(file, publicKeyring());
    return file;
  }

  /**
   * Clear-signs a text, as for InRelease. The signed form follows RFC 4880, section 7.1: trailing
   * whitespace is not signed and lines are joined with CRLF.
   */
  public byte[] clearSign(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PGPSignatureGenerator gen = generator(PGPSignature.CANONICAL_TEXT_DOCUMENT);
      ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out);
      armored.beginClearText(hashAlgorithm);
      String[] lines = text.split("\n", -1);
      int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
      for (int i = 0; i < count; i++) {
        String line = lines[i];
        if (i > 0) {
          gen.update("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        gen.update(stripTrailingWhitespace(line).getBytes(StandardCharsets.UTF_8));
        armored.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      armored.endClearText();
      BCPGOutputStream bcpg = new BCPGOutputStream(armored);
      gen.generate().encode(bcpg);
      armored.close();
    } catch (IOException | PGPException e) {
      throw new IllegalStateException("cannot clear-sign", e);
    }
    return out.toByteArray();
  }

  /** A detached, armored signature over the bytes, as for Release.gpg. */
  public byte[] detachSign(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PGPSignatureGenerator gen = generator(PGPSignature.BINARY_DOCUMENT);
      gen.update(data);
      try (OutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
        gen.generate().encode(armored);
      }
    } catch (IOException | PGPException e) {
      throw new IllegalStateException("cannot sign", e);
    }
    return out.toByteArray();
  }

  private PGPSignatureGenerator generator(int signatureType) throws PGPException {
    PGPSignatureGenerator gen =
        new PGPSignatureGenerator(
            new JcaPGPContentSignerBuilder(keyPair.getPublicKey().getAlgorithm(), hashAlgorithm),
            keyPair.getPublicKey());
    gen.init(signatureType, keyPair.getPrivateKey());
    PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
    hashed.setIssuerFingerprint(false, keyPair.getPublicKey());
    hashed.setSignatureCreationTime(false, new Date());
    gen.setHashedSubpackets(hashed.generate());
    return gen;
  }

  private static String stripTrailingWhitespace(String line) {
    int end = line.length();
    while (end > 0) {
      char c = line.charAt(end - 1);
      if (c != ' ' && c != '\t' && c != '\r') break;
      end--;
    }
    return line.substring(0, end);
  }
}
