package org.repomirror.sample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The small archive {@code repomirror demo} mirrors: one modern suite and one legacy Maemo suite,
 * as the two kinds of apt client meet them, signed by one key.
 *
 * <ul>
 *   <li>{@value #MODERN}: InRelease and Release.gpg, SHA-256, by-hash, Packages.xz and .gz;
 *   <li>{@value #LEGACY}: an MD5-only Release with Release.gpg, Packages.gz, a pool of its own, and
 *       a package with {@code +} and {@code ~} in its file name, which legacy apt sends unencoded.
 * </ul>
 */
public final class SampleArchive {
  /** The modern suite, as {@code --dist} names it. */
  public static final String MODERN = "dists/stable";

  /** The legacy suite, as {@code --dist} names it. */
  public static final String LEGACY = "maemo/dists/fremantle";

  private SampleArchive() {}

  /**
   * Writes both suites under {@code root}.
   *
   * @return the modern suite, then the legacy one
   */
  public static List<SampleRepository.Suite> write(Path root, SigningKey key) throws IOException {
    SampleRepository.Suite modern =
        SampleRepository.modern(root, "stable")
            .components("main")
            .architectures("amd64")
            .signedBy(key)
            .add("hello-repomirror", "1.0-1", "all", "main", 2_000)
            .add("repomirror-sample-data", "2026.12-1", "amd64", "main", 300_000)
            .write();
    SampleRepository.Suite legacy =
        SampleRepository.legacy(root.resolve("maemo"), "fremantle")
            .components("free", "non-free")
            .architectures("armel")
            .signedBy(key)
            .add("maemo-hello", "0.1-1maemo1", "armel", "free", 5_000)
            .add("libqt4-maemo5+gui", "4.7.0~git-0maemo1+0m5", "armel", "non-free", 20_000)
            .write();
    return List.of(modern, legacy);
  }
}
