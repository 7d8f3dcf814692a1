package org.repomirror.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;

/**
 * The OpenPGP public keys a sync trusts, read from a binary ({@code .gpg}) or armored ({@code
 * .asc}) keyring. Immutable and thread-safe.
 */
public final class Keyring {
  private final PGPPublicKeyRingCollection rings;
  private final String name;

  private Keyring(PGPPublicKeyRingCollection rings, String name) {
    this.rings = rings;
    this.name = name;
  }

  /** How messages name it: its file, or "the keyring" for one read from memory. */
  public String name() {
    return name;
  }

  /**
   * Reads a keyring file.
   *
   * @throws TrustException if the file holds no OpenPGP public keys
   */
  public static Keyring load(Path file) throws IOException, TrustException {
    try {
      return of(Files.readAllBytes(file), file.toString());
    } catch (TrustException e) {
      throw new TrustException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a keyring from memory, binary or armored. */
  public static Keyring of(byte[] keyring) throws TrustException {
    return of(keyring, "the keyring");
  }

  private static Keyring of(byte[] keyring, String name) throws TrustException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(keyring))) {
      PGPPublicKeyRingCollection rings =
          new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
      if (rings.size() == 0) {
        throw new TrustException("no OpenPGP public keys in the keyring");
      }
      return new Keyring(rings, name);
    } catch (IOException | PGPException | RuntimeException e) {
      throw new TrustException("not an OpenPGP keyring: " + e.getMessage(), e);
    }
  }

  /** The key (primary or subkey) with this ID. */
  Optional<PGPPublicKey> key(long keyId) {
    return Optional.ofNullable(rings.getPublicKey(keyId));
  }

  /** The IDs of every key, primary and sub, as 16 hex digits. */
  public List<String> keyIds() {
    List<String> ids = new ArrayList<>();
    for (Iterator<PGPPublicKeyRing> it = rings.getKeyRings(); it.hasNext(); ) {
      for (Iterator<PGPPublicKey> keys = it.next().getPublicKeys(); keys.hasNext(); ) {
        ids.add(String.format("%016X", keys.next().getKeyID()));
      }
    }
    return ids;
  }
}
