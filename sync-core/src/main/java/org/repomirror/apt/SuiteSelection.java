package org.repomirror.apt;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.repomirror.debian.Compression;

/**
 * Which of the files a Release lists a mirror takes: the components and architectures asked for
 * (plus {@code all}), binaries and sources as asked, the installer versions asked for; never the
 * Release files themselves, which a Release made in place by {@code apt-ftparchive release .} lists
 * (apt ignores them too). Immutable.
 *
 * @param components components to keep; empty means every one
 * @param architectures architectures to keep; empty means every one ({@code all} is always kept)
 * @param installer whether to mirror debian-installer's files ({@code main/installer-<arch>/})
 * @param installerVersions the installer versions to keep ({@code current}, {@code 20230607}...);
 *     empty means every one
 */
public record SuiteSelection(
    Set<String> components,
    Set<String> architectures,
    boolean binaries,
    boolean sources,
    boolean installer,
    Set<String> installerVersions) {

  /** The architecture in a file name: {@code Contents-amd64.gz}, {@code Components-arm64.yml}. */
  private static final Pattern ARCH_IN_NAME =
      Pattern.compile("^(?:Contents-udeb|Contents|Components)-([A-Za-z0-9-]+?)(?:\\.[a-z0-9]+)*$");

  public SuiteSelection {
    components = Set.copyOf(components);
    architectures = Set.copyOf(architectures);
    installerVersions = Set.copyOf(installerVersions);
  }

  /** These components and architectures, binaries and sources as asked, every installer. */
  public SuiteSelection(
      Set<String> components, Set<String> architectures, boolean binaries, boolean sources) {
    this(components, architectures, binaries, sources, true, Set.of());
  }

  /** Every file of every component and architecture. */
  public static SuiteSelection all() {
    return new SuiteSelection(Set.of(), Set.of(), true, true);
  }

  /** Whether a path the Release lists (relative to its folder) is mirrored. */
  public boolean selects(String releasePath) {
    if (isReleaseFile(releasePath)) return false;
    String[] parts = releasePath.split("/");
    if (parts.length > 1 && !components.isEmpty() && !components.contains(parts[0])) return false;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.equals("source") || p.equals("Contents-source") || p.startsWith("Contents-source.")) {
        return sources;
      }
      if (p.startsWith("installer-") && !wantsInstaller(i + 1 < parts.length ? parts[i + 1] : ""))
        return false;
      String arch = archOf(p, i == parts.length - 1);
      if (arch != null) return binaries && wantsArch(arch);
    }
    return true;
  }

  private boolean wantsInstaller(String version) {
    return installer && (installerVersions.isEmpty() || installerVersions.contains(version));
  }

  /**
   * Whether a Release entry names a Release file of the suite itself (Release, Release.gpg,
   * InRelease): a self-listing Release, whose entries go stale the moment it is rewritten.
   */
  public static boolean isReleaseFile(String releasePath) {
    return releasePath.equals("Release")
        || releasePath.equals("Release.gpg")
        || releasePath.equals("InRelease");
  }

  /**
   * Whether a listed file is usually absent upstream: an uncompressed index that the Release lists
   * beside a compressed variant of it, as Debian's Release lists Packages beside Packages.xz, and
   * Contents-amd64 beside Contents-amd64.gz.
   *
   * @param listed every path the Release lists
   */
  public static boolean usuallyAbsent(String releasePath, Set<String> listed) {
    if (Compression.ofFileName(releasePath) != Compression.NONE) return false;
    for (Compression c : Compression.values()) {
      if (c != Compression.NONE && listed.contains(releasePath + c.extension())) return true;
    }
    return false;
  }

  private boolean wantsArch(String arch) {
    return architectures.isEmpty() || architectures.contains(arch) || arch.equals("all");
  }

  /**
   * The architecture a path segment names, or null: binary-amd64, installer-amd64, Contents-amd64,
   * and the folder of a file's patches, Contents-amd64.diff.
   */
  private static String archOf(String segment, boolean fileName) {
    if (segment.startsWith("binary-")) return segment.substring("binary-".length());
    if (segment.startsWith("installer-")) return segment.substring("installer-".length());
    String name = segment.endsWith(".diff") ? segment.substring(0, segment.length() - 5) : segment;
    if (!fileName && name.equals(segment)) return null;
    Matcher m = ARCH_IN_NAME.matcher(name);
    return m.matches() ? m.group(1) : null;
  }
}
