package org.repomirror.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;

/**
 * An upstream laid out as real archive hosts are, for tests that must meet the world's mess:
 *
 * <ul>
 *   <li>two modern suites ({@code debian/dists/stable}, {@code debian/dists/testing}) sharing one
 *       pool, with InRelease and by-hash; their Release lists SHA512 while by-hash has SHA256 only,
 *       and lists variants that are absent (uncompressed Packages and Contents);
 *   <li>in stable, second-level indexes as Debian's: a pdiff ({@code Packages.diff/Index} and the
 *       patch from the day before, made by {@code diff --ed}) and a debian-installer's images
 *       listed by its SHA256SUMS;
 *   <li>a legacy Maemo suite ({@code extras-devel/dists/fremantle}): MD5-only Release, Release.gpg,
 *       Packages.gz, a pool per distribution, and a Release that lists itself;
 *   <li>release notes, an SDK tarball and vendor binaries beside the archive, with {@code + ~ %},
 *       spaces and non-ASCII in their names;
 *   <li>links: to a file, to a folder, dangling, looping, and leaving the tree;
 *   <li>a hidden file, a file only root may read, and a folder of many entries.
 * </ul>
 */
public final class RealisticArchive {
  /** The suites, as {@code --dist} names them. */
  public static final List<String> DISTS =
      List.of("debian/dists/stable", "debian/dists/testing", "extras-devel/dists/fremantle");

  /** A file of the pool that both modern suites reference. */
  public static final String SHARED = "debian/pool/main/h/hello/hello_2.10-3_amd64.deb";

  /** The file others may not read: a web server whose workers are not root answers 403. */
  public static final String UNREADABLE = "secret/unreadable.bin";

  /** The folder of many entries. */
  public static final String MANY = "downloads/many/";

  private RealisticArchive() {}

  /**
   * Writes the archive.
   *
   * @param manyFiles how many entries the big folder gets (50,000 in the realistic tests)
   */
  public static void write(Path root, SigningKey key, long seed, int manyFiles) throws IOException {
    Path debian = root.resolve("debian");
    SampleRepository.modern(debian, "stable")
        .components("main", "contrib")
        .architectures("amd64")
        .signedBy(key)
        .seed(seed)
        .sha512()
        .contents()
        .add("hello", "2.10-3", "amd64", "main", 3000)
        .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 40_000)
        .add("tzdata", "2026a-1", "all", "contrib", 100)
        .pdiffsFrom(stableTheDayBefore(key, seed), EdDiffs::script)
        .installer("current", installerImages(new Random(seed)))
        .write();
    SampleRepository.modern(debian, "testing")
        .components("main")
        .architectures("amd64")
        .signedBy(key)
        .seed(seed)
        .sha512()
        .add("hello", "2.10-3", "amd64", "main", 3000)
        .add("libstdc++6", "1:2.0+dfsg~1", "amd64", "main", 41_000)
        .add("only-in-testing", "0.1", "amd64", "main", 2000)
        .write();
    SampleRepository.legacy(root.resolve("extras-devel"), "fremantle")
        .components("free", "non-free")
        .architectures("armel")
        .signedBy(key)
        .seed(seed)
        .selfListing()
        .add("maemo-hello", "0.1-1maemo1", "armel", "free", 5000)
        .add("libqt4-maemo5+gui", "4.7.0~git-0maemo1+0m5", "armel", "non-free", 20_000)
        .write();
    besideTheArchive(root, new Random(seed));
    links(root);
    many(root.resolve(MANY), manyFiles);
  }

  /**
   * The stable suite as it was the day before, without tzdata: what its pdiffs patch from. Written
   * aside, so that none of it is left in the archive.
   */
  private static SampleRepository.Suite stableTheDayBefore(SigningKey key, long seed)
      throws IOException {
    Path aside = Files.createTempDirectory("realistic-archive-before");
    try {
      return SampleRepository.modern(aside, "stable")
          .components("main", "contrib")
          .architectures("amd64")
          .signedBy(key)
          .seed(seed)
          .add("hello", "2.10-3", "amd64", "main", 3000)
          .add("libstdc++6", "1:1.0+dfsg~1", "amd64", "main", 40_000)
          .write();
    } finally {
      try (var walk = Files.walk(aside)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
  }

  /**
   * A debian-installer's images, as its SHA256SUMS lists them: in folders, and a link-free tree.
   */
  private static java.util.Map<String, byte[]> installerImages(Random random) {
    java.util.Map<String, byte[]> images = new java.util.LinkedHashMap<>();
    images.put("netboot/mini.iso", random(random, 60_000));
    images.put("netboot/netboot.tar.gz", random(random, 30_000));
    images.put("cdrom/vmlinuz", random(random, 20_000));
    images.put("MANIFEST", bytes("netboot/mini.iso\tnetboot image\n"));
    return images;
  }

  private static void besideTheArchive(Path root, Random random) throws IOException {
    file(
        root,
        "index.html",
        "<html>maemo</html>".getBytes(StandardCharsets.UTF_8),
        1_300_000_000_000L);
    file(root, "releases/fremantle/notes.html", bytes("release notes"), 1_260_000_000_000L);
    file(root, "releases/fremantle/content comparison.html", bytes("<table/>"), 1_260_000_001_000L);
    file(root, "sdk/maemo-sdk_5.0+r1~beta.tar.gz", random(random, 200_000), 1_250_000_000_000L);
    file(
        root,
        "nokia-binaries/ab/cd/0123abcd/flasher 3.5.bin",
        random(random, 30_000),
        1_240_000_000_000L);
    file(root, "notes/100%.txt", bytes("all of it"), 1_400_000_000_000L);
    file(root, "notes/naïve café.txt", bytes("non-ASCII"), 1_400_000_001_000L);
    file(root, ".htaccess", bytes("Deny from all"), 1_400_000_002_000L);
    Path secret = file(root, UNREADABLE, random(random, 500), 1_400_000_003_000L);
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
  }

  private static void links(Path root) throws IOException {
    link(root, "sdk/latest", "maemo-sdk_5.0+r1~beta.tar.gz");
    link(root, "current", "releases/fremantle");
    link(root, "dangling", "nowhere.txt");
    link(root, "loop-a", "loop-b");
    link(root, "loop-b", "loop-a");
    link(root, "escape", "../../etc/passwd");
    link(root, "absolute", "/etc/passwd");
  }

  private static void many(Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    byte[] content = new byte[0];
    FileTime mtime = FileTime.fromMillis(1_350_000_000_000L);
    for (int i = 0; i < n; i++) {
      Path p = dir.resolve(String.format("file-%05d.txt", i));
      Files.write(p, content);
      Files.setLastModifiedTime(p, mtime);
    }
  }

  private static Path file(Path root, String path, byte[] content, long mtimeMillis)
      throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    Files.setLastModifiedTime(p, FileTime.fromMillis(mtimeMillis));
    return p;
  }

  private static void link(Path root, String path, String target) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, Path.of(target));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] random(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
