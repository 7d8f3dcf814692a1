package org.repomirror.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IndexParsersTest {
  private static final String MD5 = "d41d8cd98f00b204e9800998ecf8427e";
  private static final String SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  private static final String SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void releaseMergesHashListsPerFile() throws Exception {
    String release =
        "Origin: Debian\nSuite: stable\nCodename: bookworm\nDate: Sat, 10 Jun 2023 09:35:50 UTC\n"
            + "Valid-Until: Sat, 17 Jun 2023 09:35:50 UTC\nAcquire-By-Hash: yes\n"
            + "Architectures: amd64 arm64\nComponents: main contrib\n"
            + "MD5Sum:\n "
            + MD5
            + "      0 main/binary-amd64/Packages\n "
            + MD5
            + " 0 main/binary-amd64/Packages.gz\n"
            + "SHA256:\n "
            + SHA256
            + "      0 main/binary-amd64/Packages\n";
    ReleaseFile r = ReleaseFile.parse(release.getBytes(StandardCharsets.UTF_8));
    assertThat(r.files()).hasSize(2);
    ExpectedFile packages = r.file("main/binary-amd64/Packages").orElseThrow();
    assertThat(packages.hashes().strongest()).isEqualTo(HashAlgorithm.SHA256);
    assertThat(packages.hashes().get(HashAlgorithm.MD5)).hasValue(MD5);
    assertThat(r.file("main/binary-amd64/Packages.gz").orElseThrow().hashes().strongest())
        .isEqualTo(HashAlgorithm.MD5);
    assertThat(r.components()).containsExactly("main", "contrib");
    assertThat(r.architectures()).containsExactly("amd64", "arm64");
    assertThat(r.acquireByHash()).isTrue();
    assertThat(r.date()).isPresent();
    assertThat(r.validUntil().orElseThrow()).isAfter(r.date().orElseThrow());
  }

  @Test
  void malformedReleasesAreFormatErrors() {
    assertThatThrownBy(() -> ReleaseFile.parse("Suite: x\n".getBytes()))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("lists no files");
    assertThatThrownBy(() -> ReleaseFile.parse(("MD5Sum:\n nothex 1 a\n").getBytes()))
        .hasMessageContaining("not a MD5 hash");
    assertThatThrownBy(() -> ReleaseFile.parse(("MD5Sum:\n " + MD5 + " -1 a\n").getBytes()))
        .hasMessageContaining("not a size");
    assertThatThrownBy(
            () -> ReleaseFile.parse(("MD5Sum:\n " + MD5 + " 1 ../../etc/passwd\n").getBytes()))
        .hasMessageContaining("unsafe path");
    assertThatThrownBy(
            () ->
                ReleaseFile.parse(
                    ("MD5Sum:\n " + MD5 + " 1 a\nSHA1:\n " + SHA1 + " 2 a\n").getBytes()))
        .hasMessageContaining("disagree on the size of a");
    assertThatThrownBy(() -> ReleaseFile.parse("A: 1\n\nB: 2\n".getBytes()))
        .hasMessageContaining("one stanza");
  }

  @Test
  void packagesStreamFilenamesSizesAndHashes() throws Exception {
    String text =
        "Package: a\nFilename: pool/main/a/a_1_all.deb\nSize: 10\nMD5sum: "
            + MD5
            + "\nSHA256: "
            + SHA256
            + "\n\n"
            + "Package: b\nFilename: pool/fremantle/free/b/b_1_armel.deb\nSize: 0\nMD5Sum: "
            + MD5
            + "\n";
    List<ExpectedFile> files = new ArrayList<>();
    try (PackagesIndex index = new PackagesIndex(stream(text))) {
      for (Optional<ExpectedFile> f = index.next(); f.isPresent(); f = index.next())
        files.add(f.get());
    }
    assertThat(files)
        .extracting(ExpectedFile::path)
        .containsExactly("pool/main/a/a_1_all.deb", "pool/fremantle/free/b/b_1_armel.deb");
    assertThat(files.get(0).hashes().strongest()).isEqualTo(HashAlgorithm.SHA256);
    assertThat(files.get(1).hashes().strongest()).isEqualTo(HashAlgorithm.MD5);
  }

  @Test
  void badPackagesStanzas() {
    assertThatThrownBy(
            () -> new PackagesIndex(stream("Package: a\nSize: 1\nMD5sum: " + MD5 + "\n")).next())
        .hasMessageContaining("missing field Filename");
    assertThatThrownBy(
            () ->
                new PackagesIndex(stream("Filename: /etc/passwd\nSize: 1\nMD5sum: " + MD5 + "\n"))
                    .next())
        .hasMessageContaining("unsafe path");
    assertThatThrownBy(
            () -> new PackagesIndex(stream("Filename: a\nSize: x\nMD5sum: " + MD5 + "\n")).next())
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> new PackagesIndex(stream("Filename: a\nSize: 1\n")).next())
        .hasMessageContaining("no checksum");
  }

  @Test
  void sourcesJoinDirectoryAndFiles() throws Exception {
    String text =
        "Package: hello\nDirectory: pool/main/h/hello\nFiles:\n "
            + MD5
            + " 1 hello_1.dsc\n "
            + MD5
            + " 2 hello_1.tar.xz\n"
            + "Checksums-Sha256:\n "
            + SHA256
            + " 1 hello_1.dsc\n "
            + SHA256
            + " 2 hello_1.tar.xz\n";
    try (SourcesIndex index = new SourcesIndex(stream(text))) {
      List<ExpectedFile> files = index.next().orElseThrow();
      assertThat(files)
          .extracting(ExpectedFile::path)
          .containsExactly("pool/main/h/hello/hello_1.dsc", "pool/main/h/hello/hello_1.tar.xz");
      assertThat(files.get(1).size()).isEqualTo(2);
      assertThat(files.get(1).hashes().strongest()).isEqualTo(HashAlgorithm.SHA256);
      assertThat(index.next()).isEmpty();
    }
    assertThatThrownBy(
            () ->
                new SourcesIndex(stream("Directory: pool/x\nFiles:\n " + MD5 + " 1 ../evil\n"))
                    .next())
        .isInstanceOf(FormatException.class);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void everyCompressionStreams(Compression c) throws Exception {
    byte[] plain =
        "Filename: a\nSize: 1\nMD5sum: d41d8cd98f00b204e9800998ecf8427e\n".repeat(1000).getBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = compressor(c, out)) {
      z.write(plain);
    }
    try (InputStream in = c.open(new ByteArrayInputStream(out.toByteArray()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain);
    }
    assertThat(Compression.ofFileName("Packages" + c.extension())).isEqualTo(c);
  }

  @Test
  void mislabelledCompressionIsAFormatError() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new GzipCompressorOutputStream(out)) {
      z.write("x".getBytes());
    }
    assertThatThrownBy(() -> Compression.XZ.open(new ByteArrayInputStream(out.toByteArray())))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("content is GZIP but the name says XZ");
    byte[] truncated = java.util.Arrays.copyOf(out.toByteArray(), 12);
    assertThatThrownBy(
            () -> Compression.GZIP.open(new ByteArrayInputStream(truncated)).readAllBytes())
        .isInstanceOf(java.io.IOException.class);
  }

  private static OutputStream compressor(Compression c, OutputStream out) throws Exception {
    return switch (c) {
      case NONE -> out;
      case GZIP -> new GzipCompressorOutputStream(out);
      case XZ -> new XZCompressorOutputStream(out);
      case BZIP2 -> new BZip2CompressorOutputStream(out);
      case LZMA -> new LZMACompressorOutputStream(out);
      case ZSTD -> new ZstdCompressorOutputStream(out);
    };
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
