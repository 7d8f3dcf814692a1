package org.repomirror.trust;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies InRelease (clear-signed) and Release + Release.gpg (detached) with BouncyCastle, as
 * apt's gpgv does: at least one good signature by a key in the keyring, and no bad one by such a
 * key. DSA keys, SHA-1 or MD5 digests and expired keys are legacy: accepted only when the policy
 * allows it, and each use is logged and reported. Thread-safe.
 */
public final class ReleaseVerifier {
  private static final Logger log = LoggerFactory.getLogger(ReleaseVerifier.class);

  private final Keyring keyring;
  private final boolean allowLegacy;
  private final Clock clock;

  public ReleaseVerifier(Keyring keyring, boolean allowLegacy) {
    this(keyring, allowLegacy, Clock.systemUTC());
  }

  /**
   * @param clock tells whether a key has expired
   */
  public ReleaseVerifier(Keyring keyring, boolean allowLegacy, Clock clock) {
    this.keyring = keyring;
    this.allowLegacy = allowLegacy;
    this.clock = clock;
  }

  /**
   * Verifies a clear-signed InRelease and returns its signed text.
   *
   * @throws TrustException if it is not clear-signed, or not signed as the policy demands
   */
  public VerifiedRelease verifyClearSigned(byte[] inRelease) throws TrustException {
    ClearSigned message = ClearSigned.parse(inRelease);
    List<SignatureInfo> good =
        check(message.signatures(), message.canonical(), PGPSignature.CANONICAL_TEXT_DOCUMENT);
    return new VerifiedRelease(message.text(), good);
  }

  /**
   * The text of a clear-signed InRelease, without checking its signature: for {@code
   * --no-verify-signature} only.
   *
   * @throws TrustException if it is not a clear-signed message
   */
  public static byte[] unverifiedText(byte[] inRelease) throws TrustException {
    return ClearSigned.parse(inRelease).text();
  }

  /** A clear-signed message taken apart: its text, its signed form, its signatures. */
  private record ClearSigned(byte[] text, byte[] canonical, PGPSignatureList signatures) {
    static ClearSigned parse(byte[] message) throws TrustException {
      List<byte[]> lines = new ArrayList<>();
      PGPSignatureList signatures;
      try (ArmoredInputStream armored =
          ArmoredInputStream.builder().build(new ByteArrayInputStream(message))) {
        if (!armored.isClearText()) {
          throw new TrustException("InRelease is not a clear-signed message");
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int ch;
        while (armored.isClearText() && (ch = armored.read()) >= 0) {
          line.write(ch);
          if (ch == '\n') {
            lines.add(line.toByteArray());
            line.reset();
          }
        }
        // What follows the last line break is the first dash of the armor, which BouncyCastle
        // hands out before it leaves clear-text mode; it is not text.
        signatures = readSignatures(armored);
      } catch (IOException e) {
        throw new TrustException("malformed InRelease: " + e.getMessage(), e);
      }
      // RFC 4880, 7.1: the signed form drops trailing whitespace and joins lines with CRLF; the
      // line break before the armor is not signed.
      ByteArrayOutputStream canonical = new ByteArrayOutputStream(message.length);
      ByteArrayOutputStream text = new ByteArrayOutputStream(message.length);
      for (int i = 0; i < lines.size(); i++) {
        byte[] l = lines.get(i);
        if (i > 0) {
          canonical.writeBytes(new byte[] {'\r', '\n'});
        }
        canonical.write(l, 0, withoutTrailingWhitespace(l));
        text.write(l, 0, lineContentLength(l));
        text.write('\n');
      }
      return new ClearSigned(text.toByteArray(), canonical.toByteArray(), signatures);
    }
  }

  /**
   * Verifies a Release against its detached signature (Release.gpg, armored or binary).
   *
   * @throws TrustException if the signature is malformed or not as the policy demands
   */
  public VerifiedRelease verifyDetached(byte[] release, byte[] signature) throws TrustException {
    PGPSignatureList signatures;
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signature))) {
      signatures = readSignatures(in);
    } catch (IOException e) {
      throw new TrustException("malformed Release.gpg: " + e.getMessage(), e);
    }
    List<SignatureInfo> good = check(signatures, release, PGPSignature.BINARY_DOCUMENT);
    return new VerifiedRelease(release.clone(), good);
  }

  private static PGPSignatureList readSignatures(InputStream in)
      throws IOException, TrustException {
    JcaPGPObjectFactory factory = new JcaPGPObjectFactory(in);
    Object o;
    try {
      o = factory.nextObject();
    } catch (IOException | RuntimeException e) {
      throw new TrustException("malformed signature: " + e.getMessage(), e);
    }
    if (!(o instanceof PGPSignatureList list) || list.isEmpty()) {
      throw new TrustException("no OpenPGP signature found");
    }
    return list;
  }

  private List<SignatureInfo> check(PGPSignatureList signatures, byte[] data, int expectedType)
      throws TrustException {
    List<SignatureInfo> good = new ArrayList<>();
    List<String> refusedLegacy = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (PGPSignature sig : signatures) {
      String keyId = String.format("%016X", sig.getKeyID());
      Optional<PGPPublicKey> key = keyring.key(sig.getKeyID());
      if (key.isEmpty()) {
        unknown.add(keyId);
        continue;
      }
      SignatureInfo info = checkOne(sig, key.get(), keyId, data, expectedType);
      if (info.legacy() != null && !allowLegacy) {
        refusedLegacy.add(keyId + " (" + info.legacy() + ")");
        continue;
      }
      if (info.legacy() != null) {
        log.warn(
            "accepting a legacy signature by key {} ({}) under allow-legacy-signatures",
            keyId,
            info.legacy());
      }
      good.add(info);
    }
    if (!good.isEmpty()) {
      return good;
    }
    if (!refusedLegacy.isEmpty()) {
      throw new TrustException(
          "only legacy signatures, by "
              + String.join(", ", refusedLegacy)
              + "; set allow-legacy-signatures to accept them");
    }
    int keys = keyring.keyIds().size();
    throw new TrustException(
        "signed by "
            + String.join(", ", unknown)
            + ", which "
            + keyring.name()
            + " does not hold (it holds "
            + keys
            + (keys == 1 ? " key)" : " keys)"));
  }

  /** One signature by a known key: valid, of the expected type, by a key not revoked. */
  private SignatureInfo checkOne(
      PGPSignature sig, PGPPublicKey key, String keyId, byte[] data, int expectedType)
      throws TrustException {
    if (sig.getSignatureType() != expectedType) {
      throw new TrustException(
          "signature by "
              + keyId
              + " has type "
              + sig.getSignatureType()
              + ", expected "
              + expectedType);
    }
    boolean valid;
    try {
      sig.init(new JcaPGPContentVerifierBuilderProvider(), key);
      sig.update(data);
      valid = sig.verify();
    } catch (PGPException | RuntimeException e) {
      throw new TrustException("cannot check the signature by " + keyId + ": " + e.getMessage(), e);
    }
    if (!valid) {
      throw new TrustException("BAD signature by key " + keyId + ": the signed text was altered");
    }
    if (key.hasRevocation()) {
      throw new TrustException("signature by key " + keyId + ", which is revoked");
    }
    Instant created = sig.getCreationTime().toInstant();
    return new SignatureInfo(
        keyId,
        algorithmName(key.getAlgorithm()),
        digestName(sig.getHashAlgorithm()),
        created,
        legacyReason(key, sig));
  }

  private String legacyReason(PGPPublicKey key, PGPSignature sig) {
    List<String> reasons = new ArrayList<>();
    int algorithm = key.getAlgorithm();
    if (algorithm == PublicKeyAlgorithmTags.DSA) reasons.add("DSA key");
    int hash = sig.getHashAlgorithm();
    if (hash == HashAlgorithmTags.SHA1
        || hash == HashAlgorithmTags.MD5
        || hash == HashAlgorithmTags.RIPEMD160) {
      reasons.add(digestName(hash) + " digest");
    }
    long valid = key.getValidSeconds();
    if (valid > 0
        && key.getCreationTime().toInstant().plusSeconds(valid).isBefore(clock.instant())) {
      reasons.add("expired key");
    }
    return reasons.isEmpty() ? null : String.join(", ", reasons);
  }

  private static String algorithmName(int algorithm) {
    return switch (algorithm) {
      case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN -> "RSA";
      case PublicKeyAlgorithmTags.DSA -> "DSA";
      case PublicKeyAlgorithmTags.EDDSA_LEGACY,
          PublicKeyAlgorithmTags.Ed25519,
          PublicKeyAlgorithmTags.Ed448 ->
          "EdDSA";
      case PublicKeyAlgorithmTags.ECDSA -> "ECDSA";
      default -> "algorithm " + algorithm;
    };
  }

  private static String digestName(int hash) {
    return switch (hash) {
      case HashAlgorithmTags.MD5 -> "MD5";
      case HashAlgorithmTags.SHA1 -> "SHA1";
      case HashAlgorithmTags.RIPEMD160 -> "RIPEMD160";
      case HashAlgorithmTags.SHA224 -> "SHA224";
      case HashAlgorithmTags.SHA256 -> "SHA256";
      case HashAlgorithmTags.SHA384 -> "SHA384";
      case HashAlgorithmTags.SHA512 -> "SHA512";
      default -> "hash " + hash;
    };
  }

  /** Length of a line without its line break and trailing spaces and tabs. */
  private static int withoutTrailingWhitespace(byte[] line) {
    int end = line.length;
    while (end > 0) {
      byte b = line[end - 1];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') break;
      end--;
    }
    return end;
  }

  /** Length of a line without its line break (LF or CRLF). */
  private static int lineContentLength(byte[] line) {
    int end = line.length;
    if (end > 0 && line[end - 1] == '\n') end--;
    if (end > 0 && line[end - 1] == '\r') end--;
    return end;
  }
}
