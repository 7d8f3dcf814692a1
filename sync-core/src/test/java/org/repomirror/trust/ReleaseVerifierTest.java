package org.repomirror.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.sample.SigningKey;

class ReleaseVerifierTest {
  private static final String RELEASE =
      "Origin: test\nSuite: stable\nDate: Thu, 26 Nov 2026 10:00:00 UTC\n"
          + "Description: trailing spaces here   \n"
          + "MD5Sum:\n d41d8cd98f00b204e9800998ecf8427e 0 main/binary-amd64/Packages\n";

  private static SigningKey key;
  private static SigningKey stranger;

  @BeforeAll
  static void keys() {
    key = SigningKey.generateRsa("archive <a@example.org>");
    stranger = SigningKey.generateRsa("stranger <s@example.org>");
  }

  private static ReleaseVerifier verifier(SigningKey trusted, boolean allowLegacy)
      throws Exception {
    return new ReleaseVerifier(Keyring.of(trusted.publicKeyring()), allowLegacy);
  }

  @Test
  void clearSignedInReleaseGivesItsText() throws Exception {
    VerifiedRelease v = verifier(key, false).verifyClearSigned(key.clearSign(RELEASE));
    assertThat(new String(v.signedText(), StandardCharsets.UTF_8)).isEqualTo(RELEASE);
    assertThat(v.signatures()).hasSize(1);
    assertThat(v.signatures().getFirst().keyAlgorithm()).isEqualTo("RSA");
    assertThat(v.signatures().getFirst().digest()).isEqualTo("SHA256");
    assertThat(v.usedLegacy()).isFalse();
    assertThat(ReleaseFile.parse(v.signedText()).files()).hasSize(1);
  }

  @Test
  void armoredKeyringsWorkToo() throws Exception {
    ReleaseVerifier v = new ReleaseVerifier(Keyring.of(key.armoredPublicKeyring()), false);
    assertThat(v.verifyClearSigned(key.clearSign(RELEASE)).signatures()).hasSize(1);
  }

  @Test
  void alteredTextIsABadSignature() throws Exception {
    String signed = new String(key.clearSign(RELEASE), StandardCharsets.UTF_8);
    byte[] altered =
        signed.replace("Suite: stable", "Suite: stabl3").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> verifier(key, false).verifyClearSigned(altered))
        .isInstanceOf(TrustException.class)
        .hasMessageContaining("BAD signature");
  }

  @Test
  void unknownSignerIsRefusedNamingTheSignerOnce() throws Exception {
    assertThatThrownBy(() -> verifier(key, false).verifyClearSigned(stranger.clearSign(RELEASE)))
        .isInstanceOf(TrustException.class)
        .hasMessage(
            "signed by %016X, which the keyring does not hold (it holds 1 key)", stranger.keyId());
  }

  @Test
  void unsignedInReleaseIsRefused() {
    assertThatThrownBy(() -> verifier(key, false).verifyClearSigned(RELEASE.getBytes()))
        .isInstanceOf(TrustException.class);
  }

  @Test
  void detachedReleaseGpg() throws Exception {
    byte[] release = RELEASE.getBytes(StandardCharsets.UTF_8);
    VerifiedRelease v = verifier(key, false).verifyDetached(release, key.detachSign(release));
    assertThat(v.signedText()).isEqualTo(release);
    byte[] other = (RELEASE + "Extra: 1\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> verifier(key, false).verifyDetached(other, key.detachSign(release)))
        .hasMessageContaining("BAD signature");
    assertThatThrownBy(() -> verifier(key, false).verifyDetached(release, "garbage".getBytes()))
        .isInstanceOf(TrustException.class);
  }

  @Test
  void legacyDsaSha1NeedsThePolicy() throws Exception {
    SigningKey dsa =
        SigningKey.generate(
            "DSA",
            PublicKeyAlgorithmTags.DSA,
            1024,
            "maemo <m@example.org>",
            HashAlgorithmTags.SHA1);
    byte[] release = RELEASE.getBytes(StandardCharsets.UTF_8);
    byte[] signature = dsa.detachSign(release);
    assertThatThrownBy(() -> verifier(dsa, false).verifyDetached(release, signature))
        .isInstanceOf(TrustException.class)
        .hasMessageContaining("DSA key, SHA1 digest")
        .hasMessageContaining("allow-legacy-signatures");
    VerifiedRelease v = verifier(dsa, true).verifyDetached(release, signature);
    assertThat(v.usedLegacy()).isTrue();
    assertThat(v.signatures().getFirst().legacy()).isEqualTo("DSA key, SHA1 digest");
  }

  @Test
  void garbageKeyringIsATrustError() {
    assertThatThrownBy(() -> Keyring.of("not a key".getBytes())).isInstanceOf(TrustException.class);
  }

  @Test
  void realDebianInReleaseVerifiesAgainstTheRealKeyring() throws Exception {
    byte[] inRelease;
    byte[] keyring;
    try (InputStream a = getClass().getResourceAsStream("/debian/bookworm-updates.InRelease");
        InputStream b = getClass().getResourceAsStream("/debian/debian-archive-keyring.gpg")) {
      inRelease = a.readAllBytes();
      keyring = b.readAllBytes();
    }
    VerifiedRelease v =
        new ReleaseVerifier(Keyring.of(keyring), false).verifyClearSigned(inRelease);
    assertThat(v.signatures()).hasSizeGreaterThanOrEqualTo(2);
    ReleaseFile release = ReleaseFile.parse(v.signedText());
    assertThat(release.fields().get("Codename")).hasValue("bookworm-updates");
    assertThat(release.acquireByHash()).isTrue();
    assertThat(release.files()).hasSizeGreaterThan(100);
    assertThat(release.file("main/binary-amd64/Packages.xz")).isPresent();
  }

  @Test
  void theKeyringNamesEveryKeyAndTheTextCanBeReadUnverified() throws Exception {
    byte[] both = new byte[key.publicKeyring().length + stranger.publicKeyring().length];
    System.arraycopy(key.publicKeyring(), 0, both, 0, key.publicKeyring().length);
    System.arraycopy(
        stranger.publicKeyring(),
        0,
        both,
        key.publicKeyring().length,
        stranger.publicKeyring().length);
    assertThat(Keyring.of(both).keyIds())
        .contains(String.format("%016X", key.keyId()), String.format("%016X", stranger.keyId()));
    assertThat(Keyring.of(key.publicKeyring()).keyIds())
        .doesNotContain(String.format("%016X", stranger.keyId()));
    assertThat(
            new String(
                ReleaseVerifier.unverifiedText(key.clearSign(RELEASE)), StandardCharsets.UTF_8))
        .isEqualTo(RELEASE);
  }

  @Test
  void aReleaseWithCarriageReturnsAndTrailingBlanksVerifies() throws Exception {
    String crlf = RELEASE.replace("\n", " \t\r\n");
    VerifiedRelease v = verifier(key, false).verifyClearSigned(key.clearSign(crlf));
    assertThat(v.signatures()).hasSize(1);
    assertThat(ReleaseFile.parse(v.signedText()).files()).hasSize(1);
  }
}
