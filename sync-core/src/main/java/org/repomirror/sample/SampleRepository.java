package org.repomirror.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Generates a signed Debian-style suite on disk: real {@code .deb} files in a pool, Packages
 * indexes, a Release with hash lists, InRelease and Release.gpg. Two flavours cover what apt
 * clients meet: {@linkplain #modern modern} (SHA-256, by-hash, InRelease, xz and gz) and
 * {@linkplain #legacy legacy} Maemo-style (MD5 only, Release.gpg only, Packages.gz only, a pool per
 * distribution). Deterministic for a given seed, except for signature timestamps. Makes the archive
 * {@code repomirror demo} mirrors ({@link SampleArchive}) and the archives of the tests.
 */
public final class SampleRepository {
  private static final DateTimeFormatter RELEASE_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.US);

  /** A package in the generated suite. */
  public record SamplePackage(
      String name,
      String version,
      String architecture,
      String component,
      String filename,
      byte[] deb) {}

  /**
   * The generated suite.
   *
   * @param archiveRoot the folder that holds {@code dists/} and the pool
   * @param distPath the suite's folder relative to the archive root, e.g. {@code dists/stable}
   * @param suite the suite name as apt's sources.list names it
   * @param components the components
   * @param packagesText each Packages index uncompressed, by path relative to the suite's folder
   *     ({@code main/binary-amd64/Packages}): what a later suite's patches start from
   */
  public record Suite(
      Path archiveRoot,
      String distPath,
      String suite,
      List<String> components,
      List<String> architectures,
      List<SamplePackage> packages,
      Map<String, byte[]> packagesText) {}

  /** Makes the patch from one text to another as {@code diff --ed} does: an ed script. */
  @FunctionalInterface
  public interface EdDiff {
    byte[] script(byte[] from, byte[] to) throws IOException;
  }

  /**
   * The dates dak names a merged patch by, {@code T-<to>-F-<from>}: this write and the one before.
   */
  private static final String PATCH = "T-2026-12-06-0800.00-F-2026-12-05-0800.00";

  private final Path archiveRoot;
  private final String suite;
  private final List<String> components = new ArrayList<>(List.of("main"));
  private final List<String> architectures = new ArrayList<>(List.of("amd64"));
  private final List<PackageSpec> specs = new ArrayList<>();
  private String poolPrefix = "pool";
  private boolean legacy;
  private boolean sha512;
  private boolean contents;
  private boolean selfListing;
  private String malformed;
  private Clock clock = Clock.systemUTC();
  private SigningKey key;
  private long seed = 42;
  private Suite patchedFrom;
  private EdDiff edDiff;
  private final Map<String, Map<String, byte[]>> installers = new LinkedHashMap<>();

  private record PackageSpec(
      String name, String version, String arch, String component, int size) {}

  private SampleRepository(Path archiveRoot, String suite) {
    this.archiveRoot = archiveRoot;
    this.suite = suite;
  }

  /** A modern suite: SHA-256 and by-hash, InRelease and Release.gpg, Packages.xz and .gz. */
  public static SampleRepository modern(Path archiveRoot, String suite) {
    return new SampleRepository(archiveRoot, suite);
  }

  /**
   * A Maemo-era suite: MD5-only Release, Release.gpg only, Packages.gz only, and a pool per
   * distribution ({@code pool/<suite>/<component>/...}).
   */
  public static SampleRepository legacy(Path archiveRoot, String suite) {
    SampleRepository r = new SampleRepository(archiveRoot, suite);
    r.legacy = true;
    r.poolPrefix = "pool/" + suite;
    return r;
  }

  public SampleRepository components(String... names) {
    components.clear();
    components.addAll(List.of(names));
    return this;
  }

  public SampleRepository architectures(String... names) {
    architectures.clear();
    architectures.addAll(List.of(names));
    return this;
  }

  public SampleRepository signedBy(SigningKey key) {
    this.key = key;
    return this;
  }

  public SampleRepository seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Lists SHA512 too, as a default {@code apt-ftparchive release} does, while by-hash holds SHA256
   * copies only: apt then asks for a by-hash/SHA512 object that is not there.
   */
  public SampleRepository sha512() {
    this.sha512 = true;
    return this;
  }

  /** Adds a Contents-<arch>.gz per component, and lists the uncompressed one, which is absent. */
  public SampleRepository contents() {
    this.contents = true;
    return this;
  }

  /** Dates the Release by this clock, not the system's. */
  public SampleRepository clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /**
   * Ends the Packages of a component with a stanza that does not parse (its Size is not a number),
   * listed in the Release with its true checksums: an archive whose index generator broke.
   */
  public SampleRepository malformed(String component) {
    this.malformed = component;
    return this;
  }

  /**
   * Makes the Release list a Release and Release.gpg of its own, with the sizes and hashes of an
   * earlier one, as {@code apt-ftparchive release .} run twice in place does.
   */
  public SampleRepository selfListing() {
    this.selfListing = true;
    return this;
  }

  /**
   * Gives each Packages index the patch from the earlier suite's, as dak publishes them: {@code
   * Packages.diff/Index} (listed in the Release, with SHA256-Current, -History, -Patches and
   * -Download, merged-patch precedence) and the gzipped ed script beside it (not listed).
   */
  public SampleRepository pdiffsFrom(Suite earlier, EdDiff diff) {
    this.patchedFrom = earlier;
    this.edDiff = diff;
    return this;
  }

  /**
   * Adds a debian-installer version for each architecture: the images under {@code
   * main/installer-<arch>/<version>/images/}, listed by a SHA256SUMS and an MD5SUMS there, which
   * the Release lists (the images it does not).
   *
   * @param images bytes by path below {@code images/}, e.g. {@code netboot/mini.iso}
   */
  public SampleRepository installer(String version, Map<String, byte[]> images) {
    installers.put(version, new LinkedHashMap<>(images));
    return this;
  }

  /**
   * Adds a package whose data member holds {@code payloadSize} random bytes. An {@code all} package
   * is listed under every architecture.
   */
  public SampleRepository add(
      String name, String version, String architecture, String component, int payloadSize) {
    specs.add(new PackageSpec(name, version, architecture, component, payloadSize));
    return this;
  }

  /** Writes the suite under the archive root and returns what was written. */
  public Suite write() throws IOException {
    if (key == null) {
      throw new IllegalStateException("signedBy(key) first");
    }
    List<SamplePackage> packages = new ArrayList<>();
    for (PackageSpec spec : specs) {
      // Per package, so that suites sharing a pool write the same bytes for the same package.
      Random random =
          new Random(seed * 1_000_003 + (spec.name() + "_" + spec.version()).hashCode());
      packages.add(writePackage(spec, random));
    }
    String distPath = "dists/" + suite;
    Path dist = archiveRoot.resolve(distPath);
    Indexes indexes = new Indexes();
    for (String arch : architectures) installerImages(dist, arch, indexes.written);
    for (String component : components) {
      for (String arch : architectures) packagesIndexes(dist, component, arch, packages, indexes);
    }
    writeWithByHash(dist, indexes.written);
    writeRelease(dist, indexes.listed());
    return new Suite(
        archiveRoot,
        distPath,
        suite,
        List.copyOf(components),
        List.copyOf(architectures),
        packages,
        Map.copyOf(indexes.packagesText));
  }

  /** The indexes of a suite being written, by path relative to its folder. */
  private static final class Indexes {
    /** Written and listed in the Release. */
    final Map<String, byte[]> written = new LinkedHashMap<>();

    /** Listed in the Release and not written, as real archives list their uncompressed indexes. */
    final Map<String, byte[]> listedOnly = new LinkedHashMap<>();

    /** Each Packages uncompressed. */
    final Map<String, byte[]> packagesText = new LinkedHashMap<>();

    Map<String, byte[]> listed() {
      Map<String, byte[]> all = new LinkedHashMap<>(listedOnly);
      all.putAll(written);
      return all;
    }
  }

  /** The Packages of one component and architecture, compressed, with Contents and patches. */
  private void packagesIndexes(
      Path dist, String component, String arch, List<SamplePackage> packages, Indexes indexes)
      throws IOException {
    String dir = component + "/binary-" + arch + "/";
    StringBuilder text = new StringBuilder();
    for (SamplePackage p : packages) {
      if (p.component().equals(component)
          && (p.architecture().equals(arch) || p.architecture().equals("all"))) {
        text.append(stanza(p)).append('\n');
      }
    }
    if (component.equals(malformed)) {
      text.append("Package: broken\nFilename: pool/broken.deb\nSize: many\nSHA256: ")
          .append("0".repeat(64))
          .append("\n\n");
    }
    byte[] plain = text.toString().getBytes(StandardCharsets.UTF_8);
    indexes.listedOnly.put(dir + "Packages", plain);
    indexes.packagesText.put(dir + "Packages", plain);
    pdiff(dist, dir, plain, indexes.written);
    if (contents) {
      byte[] c =
          ("usr/share/doc/" + component + "/" + arch + " " + component + "/x\n")
              .getBytes(StandardCharsets.UTF_8);
      indexes.listedOnly.put(component + "/Contents-" + arch, c);
      indexes.written.put(component + "/Contents-" + arch + ".gz", gzip(c));
    }
    indexes.written.put(dir + "Packages.gz", gzip(plain));
    if (!legacy) indexes.written.put(dir + "Packages.xz", xz(plain));
  }

  /** Each index, and (in a modern suite) its by-hash copy. */
  private void writeWithByHash(Path dist, Map<String, byte[]> indexes) throws IOException {
    for (Map.Entry<String, byte[]> e : indexes.entrySet()) {
      Path file = dist.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.write(file, e.getValue());
      if (!legacy) {
        Path byHash = file.resolveSibling("by-hash/SHA256/" + hex("SHA-256", e.getValue()));
        Files.createDirectories(byHash.getParent());
        Files.write(byHash, e.getValue());
      }
    }
  }

  /** The Release listing these files, Release.gpg, and in a modern suite InRelease. */
  private void writeRelease(Path dist, Map<String, byte[]> listed) throws IOException {
    if (selfListing) {
      // What the Release and Release.gpg of an earlier run in place held.
      listed.put(
          "Release",
          "Origin: repomirror-test\nSuite: an earlier one\n".getBytes(StandardCharsets.UTF_8));
      listed.put(
          "Release.gpg", "-----BEGIN PGP SIGNATURE-----\nold\n".getBytes(StandardCharsets.UTF_8));
    }
    String release = release(listed);
    Files.writeString(dist.resolve("Release"), release, StandardCharsets.UTF_8);
    Files.write(
        dist.resolve("Release.gpg"), key.detachSign(release.getBytes(StandardCharsets.UTF_8)));
    if (!legacy) Files.write(dist.resolve("InRelease"), key.clearSign(release));
  }

  /**
   * The patch from the earlier suite's Packages to this one, beside the index (not listed in the
   * Release), and the Index that names it (listed).
   */
  private void pdiff(Path dist, String dir, byte[] plain, Map<String, byte[]> indexes)
      throws IOException {
    if (patchedFrom == null) return;
    byte[] old = patchedFrom.packagesText().get(dir + "Packages");
    if (old == null || java.util.Arrays.equals(old, plain)) return;
    byte[] script = edDiff.script(old, plain);
    byte[] download = gzip(script);
    Path patch = dist.resolve(dir + "Packages.diff/" + PATCH + ".gz");
    Files.createDirectories(patch.getParent());
    Files.write(patch, download);
    String index =
        "SHA256-Current: "
            + hex("SHA-256", plain)
            + " "
            + plain.length
            + "\nSHA256-History:\n "
            + hex("SHA-256", old)
            + " "
            + old.length
            + " "
            + PATCH
            + "\nSHA256-Patches:\n "
            + hex("SHA-256", script)
            + " "
            + script.length
            + " "
            + PATCH
            + "\nSHA256-Download:\n "
            + hex("SHA-256", download)
            + " "
            + download.length
            + " "
            + PATCH
            + ".gz\nX-Patch-Precedence: merged\n";
    indexes.put(dir + "Packages.diff/Index", index.getBytes(StandardCharsets.UTF_8));
  }

  /** Each installer version's images, and its SHA256SUMS and MD5SUMS, which the Release lists. */
  private void installerImages(Path dist, String arch, Map<String, byte[]> indexes)
      throws IOException {
    for (Map.Entry<String, Map<String, byte[]>> version : installers.entrySet()) {
      String images = "main/installer-" + arch + "/" + version.getKey() + "/images/";
      StringBuilder sha256 = new StringBuilder();
      StringBuilder md5 = new StringBuilder();
      for (Map.Entry<String, byte[]> image : version.getValue().entrySet()) {
        Path file = dist.resolve(images + image.getKey());
        Files.createDirectories(file.getParent());
        Files.write(file, image.getValue());
        sha256.append(hex("SHA-256", image.getValue())).append("  ./").append(image.getKey());
        sha256.append('\n');
        md5.append(hex("MD5", image.getValue())).append("  ./").append(image.getKey()).append('\n');
      }
      indexes.put(images + "SHA256SUMS", sha256.toString().getBytes(StandardCharsets.UTF_8));
      indexes.put(images + "MD5SUMS", md5.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private SamplePackage writePackage(PackageSpec spec, Random random) throws IOException {
    byte[] payload = new byte[spec.size()];
    random.nextBytes(payload);
    String control =
        "Package: "
            + spec.name()
            + "\nVersion: "
            + spec.version()
            + "\nArchitecture: "
            + spec.arch()
            + "\nMaintainer: Test Maintainer <test@example.org>\nInstalled-Size: "
            + Math.max(1, spec.size() / 1024)
            + "\nSection: misc\nPriority: optional\nDescription: test package "
            + spec.name()
            + "\n generated by repomirror's tests.\n";
    byte[] deb =
        DebBuilder.build(control, Map.of("./usr/share/doc/" + spec.name() + "/payload", payload));
    String noEpoch = spec.version().replaceFirst("^\\d+:", "");
    String dirName =
        spec.name().startsWith("lib") ? spec.name().substring(0, 4) : spec.name().substring(0, 1);
    String filename =
        poolPrefix
            + "/"
            + spec.component()
            + "/"
            + dirName
            + "/"
            + spec.name()
            + "/"
            + spec.name()
            + "_"
            + noEpoch
            + "_"
            + spec.arch()
            + ".deb";
    Path file = archiveRoot.resolve(filename);
    Files.createDirectories(file.getParent());
    Files.write(file, deb);
    return new SamplePackage(
        spec.name(), spec.version(), spec.arch(), spec.component(), filename, deb);
  }

  private String stanza(SamplePackage p) {
    StringBuilder s = new StringBuilder();
    s.append("Package: ").append(p.name()).append('\n');
    s.append("Version: ").append(p.version()).append('\n');
    s.append("Architecture: ").append(p.architecture()).append('\n');
    s.append("Maintainer: Test Maintainer <test@example.org>\n");
    s.append("Filename: ").append(p.filename()).append('\n');
    s.append("Size: ").append(p.deb().length).append('\n');
    s.append("MD5sum: ").append(hex("MD5", p.deb())).append('\n');
    if (!legacy) {
      s.append("SHA1: ").append(hex("SHA-1", p.deb())).append('\n');
      s.append("SHA256: ").append(hex("SHA-256", p.deb())).append('\n');
    }
    s.append("Section: misc\nPriority: optional\n");
    s.append("Description: test package ").append(p.name()).append('\n');
    return s.toString();
  }

  private String release(Map<String, byte[]> files) {
    StringBuilder r = new StringBuilder();
    r.append("Origin: repomirror-test\nLabel: repomirror-test\n");
    r.append("Suite: ").append(suite).append('\n');
    r.append("Codename: ").append(suite).append('\n');
    r.append("Date: ")
        .append(RELEASE_DATE.format(clock.instant().atZone(ZoneOffset.UTC)))
        .append('\n');
    r.append("Architectures: ").append(String.join(" ", architectures)).append('\n');
    r.append("Components: ").append(String.join(" ", components)).append('\n');
    r.append("Description: generated by repomirror's tests\n");
    if (!legacy) {
      r.append("Acquire-By-Hash: yes\n");
    }
    hashList(r, "MD5Sum", "MD5", files);
    if (!legacy) {
      hashList(r, "SHA1", "SHA-1", files);
      hashList(r, "SHA256", "SHA-256", files);
    }
    if (sha512) hashList(r, "SHA512", "SHA-512", files);
    return r.toString();
  }

  private static void hashList(
      StringBuilder r, String field, String algorithm, Map<String, byte[]> files) {
    r.append(field).append(":\n");
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      r.append(' ')
          .append(hex(algorithm, f.getValue()))
          .append(String.format(" %16d ", f.getValue().length))
          .append(f.getKey())
          .append('\n');
    }
  }

  /** The lowercase hex digest of the bytes. */
  public static String hex(String algorithm, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GzipCompressorOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] xz(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream xz = new XZOutputStream(out, new LZMA2Options())) {
      xz.write(data);
    }
    return out.toByteArray();
  }
}
