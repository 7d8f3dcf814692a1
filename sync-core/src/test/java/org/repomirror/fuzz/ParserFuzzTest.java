package org.repomirror.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.repomirror.debian.Compression;
import org.repomirror.debian.ExpectedFile;
import org.repomirror.debian.FormatException;
import org.repomirror.debian.PackagesIndex;
import org.repomirror.debian.ReleaseFile;
import org.repomirror.debian.SourcesIndex;
import org.repomirror.sample.SigningKey;
import org.repomirror.testing.Reliability;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.trust.TrustException;

/**
 * Mutation fuzzing of every parser that reads network input: valid Release, Packages and Sources
 * files, and signed InRelease files, with bytes flipped, inserted, deleted and lines duplicated.
 * Each input gives a result or a clear parse error, never another exception; the memory caps keep
 * the heap bounded and each run is over in milliseconds.
 */
class ParserFuzzTest {
  private static final AtomicLong executions = new AtomicLong();

  /** Bytes that carry structure in these formats, inserted more often than chance would. */
  private static final String STRUCTURAL = "\n :\t\r\u0000-x9/.";

  private static final String SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String MD5 = "d41d8cd98f00b204e9800998ecf8427e";

  static final String RELEASE =
      "Origin: Debian\nSuite: stable\nDate: Sat, 10 Jun 2023 09:35:50 UTC\nAcquire-By-Hash: yes\n"
          + "Architectures: amd64\nComponents: main\nMD5Sum:\n "
          + MD5
          + " 0 main/binary-amd64/Packages\nSHA256:\n "
          + SHA256
          + " 0 main/binary-amd64/Packages\n "
          + SHA256
          + " 20 main/source/Sources.xz\n";
  static final String PACKAGES =
      "Package: hello\nVersion: 2.10-3\nArchitecture: amd64\nFilename: pool/main/h/hello/"
          + "hello_2.10-3_amd64.deb\nSize: 53252\nMD5sum: "
          + MD5
          + "\nSHA256: "
          + SHA256
          + "\nDescription: hello\n more text\n\nPackage: a\nFilename: pool/a.deb\nSize: 1\nSHA256: "
          + SHA256
          + "\n";
  static final String SOURCES =
      "Package: hello\nDirectory: pool/main/h/hello\nFiles:\n "
          + MD5
          + " 1 hello_2.10.orig.tar.gz\nChecksums-Sha256:\n "
          + SHA256
          + " 1 hello_2.10.orig.tar.gz\n "
          + SHA256
          + " 2 hello_2.10-3.dsc\n";

  private static final SigningKey KEY = SigningKey.generateRsa("fuzz <f@example.org>");
  private static final byte[] IN_RELEASE = KEY.clearSign(RELEASE);

  @AfterContainer
  static void figures() {
    Reliability.record(
        "fuzz",
        executions.get()
            + " mutated inputs to the Release, Packages, Sources, compressed-index and signature"
            + " parsers: every one a result or a clear error");
  }

  /** A valid input with a few random edits. */
  static Arbitrary<byte[]> mutationsOf(byte[] valid) {
    Arbitrary<Integer> edits = Arbitraries.integers().between(1, 8);
    Arbitrary<Long> seeds = Arbitraries.longs();
    return Combinators.combine(edits, seeds)
        .as(
            (n, seed) -> {
              java.util.Random r = new java.util.Random(seed);
              byte[] b = valid.clone();
              for (int i = 0; i < n; i++) b = mutate(b, r);
              return b;
            });
  }

  private static byte[] mutate(byte[] b, java.util.Random r) {
    if (b.length == 0) return new byte[] {(byte) r.nextInt()};
    int at = r.nextInt(b.length);
    return switch (r.nextInt(5)) {
      case 0 -> { // flip
        byte[] c = b.clone();
        c[at] ^= (byte) (1 << r.nextInt(8));
        yield c;
      }
      case 1 -> { // insert a byte, often a structural one
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = (byte) STRUCTURAL.charAt(r.nextInt(STRUCTURAL.length()));
        System.arraycopy(b, at, c, at + 1, b.length - at);
        yield c;
      }
      case 2 -> { // delete a run
        int len = Math.min(b.length - at, 1 + r.nextInt(20));
        byte[] c = new byte[b.length - len];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + len, c, at, b.length - at - len);
        yield c;
      }
      case 3 -> { // duplicate a run
        int len = Math.min(b.length - at, 1 + r.nextInt(200));
        byte[] c = new byte[b.length + len];
        System.arraycopy(b, 0, c, 0, at + len);
        System.arraycopy(b, at, c, at + len, b.length - at);
        yield c;
      }
      default -> java.util.Arrays.copyOf(b, at); // truncate
    };
  }

  @Provide
  Arbitrary<byte[]> releases() {
    return mutationsOf(RELEASE.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<byte[]> packages() {
    return mutationsOf(PACKAGES.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<byte[]> sources() {
    return mutationsOf(SOURCES.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<byte[]> inReleases() {
    return mutationsOf(IN_RELEASE);
  }

  @Property(tries = 3000)
  void release(@ForAll("releases") byte[] input) {
    executions.incrementAndGet();
    try {
      ReleaseFile r = ReleaseFile.parse(input);
      assertThat(r.files()).allMatch(f -> f.size() >= 0 && f.hashes() != null);
    } catch (FormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 3000)
  void packagesIndex(@ForAll("packages") byte[] input) throws IOException {
    executions.incrementAndGet();
    try (PackagesIndex p = new PackagesIndex(new ByteArrayInputStream(input))) {
      for (Optional<ExpectedFile> f = p.next(); f.isPresent(); f = p.next()) {
        assertThat(safe(f.get().path())).as(f.get().path()).isTrue();
      }
    } catch (FormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 3000)
  void sourcesIndex(@ForAll("sources") byte[] input) throws IOException {
    executions.incrementAndGet();
    try (SourcesIndex s = new SourcesIndex(new ByteArrayInputStream(input))) {
      for (Optional<List<ExpectedFile>> f = s.next(); f.isPresent(); f = s.next()) {
        assertThat(f.get()).allMatch(e -> safe(e.path()));
      }
    } catch (FormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  private static String withoutTrailingSpace(String text) {
    return text.replaceAll("[ \t]+(?=\r?\n|$)", "");
  }

  /** A relative path with no empty, "." or ".." segment: it cannot leave the mirror. */
  private static boolean safe(String path) {
    return !path.startsWith("/")
        && java.util.Arrays.stream(path.split("/", -1))
            .noneMatch(seg -> seg.isEmpty() || seg.equals(".") || seg.equals(".."));
  }

  @Property(tries = 1000)
  void compressedIndexes(@ForAll("packages") byte[] junk, @ForAll Compression c)
      throws IOException {
    executions.incrementAndGet();
    try (InputStream in = c.open(new ByteArrayInputStream(junk));
        PackagesIndex p = new PackagesIndex(in)) {
      while (p.next().isPresent()) {
        // reading is the test
      }
    } catch (FormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<byte[]> xzIndexes() {
    return mutationsOf(compress(true, PACKAGES));
  }

  @Provide
  Arbitrary<byte[]> gzIndexes() {
    return mutationsOf(compress(false, PACKAGES));
  }

  private static byte[] compress(boolean xz, String text) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.OutputStream c =
          xz ? new XZCompressorOutputStream(out) : new GzipCompressorOutputStream(out);
      c.write(text.getBytes(StandardCharsets.UTF_8));
      c.close();
      return out.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Property(tries = 1000)
  void corruptXzIndexes(@ForAll("xzIndexes") byte[] input) throws IOException {
    compressedIndexes(input, Compression.XZ);
  }

  @Property(tries = 1000)
  void corruptGzipIndexes(@ForAll("gzIndexes") byte[] input) throws IOException {
    compressedIndexes(input, Compression.GZIP);
  }

  @Property(tries = 1000)
  void signedInRelease(@ForAll("inReleases") byte[] input) throws Exception {
    executions.incrementAndGet();
    ReleaseVerifier verifier = new ReleaseVerifier(Keyring.of(KEY.publicKeyring()), false);
    try {
      byte[] text = verifier.verifyClearSigned(input).signedText();
      // A mutation the signature still covers can only be trailing whitespace, which OpenPGP's
      // clear-signing ignores (RFC 4880, 7.1); the text must otherwise be the signed one.
      assertThat(withoutTrailingSpace(new String(text, StandardCharsets.UTF_8))).isEqualTo(RELEASE);
    } catch (TrustException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 500)
  void detachedSignature(@ForAll("inReleases") byte[] signature) throws Exception {
    executions.incrementAndGet();
    ReleaseVerifier verifier = new ReleaseVerifier(Keyring.of(KEY.publicKeyring()), false);
    try {
      verifier.verifyDetached(RELEASE.getBytes(StandardCharsets.UTF_8), signature);
      throw new AssertionError("a clear-signed file is no detached signature");
    } catch (TrustException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
