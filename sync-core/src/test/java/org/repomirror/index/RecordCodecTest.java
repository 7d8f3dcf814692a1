package org.repomirror.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.repomirror.debian.HashAlgorithm;
import org.repomirror.debian.Hashes;

/**
 * Records written by earlier releases must keep their meaning, whatever the enums look like now.
 */
class RecordCodecTest {
  /**
   * Written by the release of 2026-11-26 (the encoder wrote enum ordinals then): state
   * UPSTREAM_MISMATCH, hashes MD5 and SHA256.
   */
  private static final String FILE_V2 =
      "020000000000000bb80000019ab697e87b010000019ab697e8000000019ab697e9c80200100123456789abcdef"
          + "0123456789abcdef022000112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00";

  /** The same release: a link, state PENDING_DELETE, hash SHA512, target {@code sdk.tgz}. */
  private static final String LINK_V2 =
      "0200000000000000070000012309ce57150300000000000000050000000000000006010340"
          + "ab".repeat(64)
          + "01000773646b2e74677a";

  @Test
  void aFileRecordOfTheLastReleaseReadsAsItWasWritten() {
    FileRecord r = RecordCodec.decode("pool/hello.deb", HexFormat.of().parseHex(FILE_V2));
    EnumMap<HashAlgorithm, String> hashes = new EnumMap<>(HashAlgorithm.class);
    hashes.put(HashAlgorithm.MD5, "0123456789abcdef0123456789abcdef");
    hashes.put(
        HashAlgorithm.SHA256, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    assertThat(r)
        .isEqualTo(
            new FileRecord(
                "pool/hello.deb",
                3000,
                1764000000123L,
                new Hashes(hashes),
                FileState.UPSTREAM_MISMATCH,
                1764000000000L,
                1764000000456L));
  }

  @Test
  void aLinkRecordOfTheLastReleaseReadsAsItWasWritten() {
    FileRecord r = RecordCodec.decode("sdk/latest", HexFormat.of().parseHex(LINK_V2));
    assertThat(r.state()).isEqualTo(FileState.PENDING_DELETE);
    assertThat(r.hashes().values()).containsOnlyKeys(HashAlgorithm.SHA512);
    assertThat(r.linkTarget()).isEqualTo("sdk.tgz");
    assertThat(r.mtimeMillis()).isEqualTo(1250000000789L);
  }

  @Test
  void aVersionOneRecordHasNoLinkTarget() {
    String v1 = "01" + FILE_V2.substring(2, FILE_V2.length() - 2);
    FileRecord r = RecordCodec.decode("pool/hello.deb", HexFormat.of().parseHex(v1));
    assertThat(r.isLink()).isFalse();
    assertThat(r.state()).isEqualTo(FileState.UPSTREAM_MISMATCH);
  }

  @Test
  void todaysEncoderWritesTheSameBytes() {
    FileRecord r = RecordCodec.decode("pool/hello.deb", HexFormat.of().parseHex(FILE_V2));
    assertThat(HexFormat.of().formatHex(RecordCodec.encode(r))).isEqualTo(FILE_V2);
    FileRecord l = RecordCodec.decode("sdk/latest", HexFormat.of().parseHex(LINK_V2));
    assertThat(HexFormat.of().formatHex(RecordCodec.encode(l))).isEqualTo(LINK_V2);
  }

  @Test
  void codesAreFixedPerConstant() {
    assertThat(FileState.PUBLISHED.code()).isZero();
    assertThat(FileState.UPSTREAM_MISMATCH.code()).isEqualTo(1);
    assertThat(FileState.QUARANTINED.code()).isEqualTo(2);
    assertThat(FileState.PENDING_DELETE.code()).isEqualTo(3);
    for (HashAlgorithm a : HashAlgorithm.values()) {
      assertThat(RecordCodec.hashOfCode(RecordCodec.hashCode(a))).isEqualTo(a);
    }
    assertThatThrownBy(() -> FileState.ofCode(9)).hasMessageContaining("code 9");
  }

  @Test
  void anUnknownStateCodeIsACorruptRecord() {
    byte[] bytes = HexFormat.of().parseHex(FILE_V2);
    bytes[17] = 7; // the state byte
    assertThatThrownBy(() -> RecordCodec.decode("p", bytes))
        .isInstanceOf(IndexException.class)
        .hasMessageContaining("corrupt record for p");
  }

  @Test
  void aRecordCutShortAnywhereIsACorruptRecord() {
    byte[] whole = HexFormat.of().parseHex(LINK_V2);
    for (int length = 1; length < whole.length; length++) {
      byte[] cut = java.util.Arrays.copyOf(whole, length);
      assertThatThrownBy(() -> RecordCodec.decode("p", cut))
          .as("cut to %d bytes", length)
          .isInstanceOf(IndexException.class)
          .hasMessageContaining("corrupt record for p");
    }
  }
}
