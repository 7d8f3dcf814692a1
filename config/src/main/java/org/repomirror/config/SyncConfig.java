package org.repomirror.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of {@code repomirror sync}. A null argument takes the default written next to its key;
 * the command line's options win over these.
 *
 * @param root the mirror; when absent, {@code server.root}
 * @param upstream the upstream root URL, e.g. {@code http://repository.maemo.org/}
 * @param dists dists folders relative to the upstream root
 * @param keyring the OpenPGP keyring (binary or armored) that signs the upstream's Release files
 * @param verifySignature false only to mirror an unsigned upstream on purpose
 * @param allowLegacySignatures accept DSA keys, SHA-1 digests and expired keys (Maemo-era archives)
 * @param components components to mirror; empty means every one the Release lists
 * @param architectures architectures to mirror; empty means every one
 * @param sources whether to mirror source packages
 * @param binaries whether to mirror binary packages
 * @param connections parallel downloads per upstream
 * @param bwlimit bytes per second over all downloads; 0 means unlimited
 * @param retries tries per file for transient failures
 * @param timeout how long a response may stall
 * @param policy {@code strict} or {@code mirror-as-is}, for files that do not match their index
 * @param allowErrors bad or missing files a suite may have and still be published
 * @param report where to write the JSON report, besides {@code .repomirror/reports/}
 * @param deleteGrace how long a file no suite references stays before it is deleted
 * @param maxDelete more deletions than this in one run are refused as a likely broken upstream
 * @param mode {@code apt} (what the signed indexes reference) or {@code tree} (everything under the
 *     upstream root, with the dists still verified against their signatures)
 * @param treeSource in tree mode over HTTP: {@code auto} (a peer's manifest when it has one, else
 *     the directory index pages), {@code manifest} or {@code autoindex}
 * @param hostname names the trace file, {@code project/trace/<hostname>}; the machine's by default
 * @param checksum in tree mode from a directory, compare files by SHA-256 too (reads the tree)
 * @param installer whether to mirror debian-installer's files ({@code main/installer-<arch>/})
 * @param installerVersions the installer versions to mirror ({@code current}...); empty means every
 *     one the Release lists
 */
public record SyncConfig(
    Path root,
    URI upstream,
    List<String> dists,
    Path keyring,
    Boolean verifySignature,
    Boolean allowLegacySignatures,
    List<String> components,
    List<String> architectures,
    Boolean sources,
    Boolean binaries,
    Integer connections,
    ByteSize bwlimit,
    Integer retries,
    Duration timeout,
    String policy,
    Integer allowErrors,
    Path report,
    Duration deleteGrace,
    Integer maxDelete,
    String mode,
    String treeSource,
    String hostname,
    Boolean checksum,
    Boolean installer,
    List<String> installerVersions) {

  public static final int DEFAULT_CONNECTIONS = 8;
  public static final int DEFAULT_RETRIES = 4;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  public static final String DEFAULT_POLICY = "strict";
  public static final Duration DEFAULT_DELETE_GRACE = Duration.ofHours(1);
  public static final int DEFAULT_MAX_DELETE = 5000;

  public SyncConfig {
    dists = dists != null ? List.copyOf(dists) : List.of();
    verifySignature = verifySignature != null ? verifySignature : true;
    allowLegacySignatures = allowLegacySignatures != null ? allowLegacySignatures : false;
    components = components != null ? List.copyOf(components) : List.of();
    architectures = architectures != null ? List.copyOf(architectures) : List.of();
    sources = sources != null ? sources : true;
    binaries = binaries != null ? binaries : true;
    connections = connections != null ? connections : DEFAULT_CONNECTIONS;
    bwlimit = bwlimit != null ? bwlimit : new ByteSize(0);
    retries = retries != null ? retries : DEFAULT_RETRIES;
    timeout = timeout != null ? timeout : DEFAULT_TIMEOUT;
    policy = policy != null ? policy : DEFAULT_POLICY;
    allowErrors = allowErrors != null ? allowErrors : 0;
    deleteGrace = deleteGrace != null ? deleteGrace : DEFAULT_DELETE_GRACE;
    maxDelete = maxDelete != null ? maxDelete : DEFAULT_MAX_DELETE;
    mode = mode != null ? mode : "apt";
    checksum = checksum != null ? checksum : false;
    installer = installer != null ? installer : true;
    installerVersions = installerVersions != null ? List.copyOf(installerVersions) : List.of();
    treeSource = treeSource != null ? treeSource : "auto";
    if (!mode.equals("apt") && !mode.equals("tree")) {
      throw new InvalidValueException("mode", "must be apt or tree, got '" + mode + "'");
    }
    if (!List.of("auto", "manifest", "autoindex").contains(treeSource)) {
      throw new InvalidValueException(
          "tree-source", "must be auto, manifest or autoindex, got '" + treeSource + "'");
    }
    if (hostname != null && !hostname.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
      throw new InvalidValueException("hostname", "must be a host name, got '" + hostname + "'");
    }
    if (maxDelete < 0) {
      throw new InvalidValueException("max-delete", "must not be negative");
    }
    if (connections < 1 || connections > 256) {
      throw new InvalidValueException("connections", "must be 1..256, got " + connections);
    }
    if (retries < 1 || retries > 100) {
      throw new InvalidValueException("retries", "must be 1..100, got " + retries);
    }
    if (!policy.equals("strict") && !policy.equals("mirror-as-is")) {
      throw new InvalidValueException(
          "policy", "must be strict or mirror-as-is, got '" + policy + "'");
    }
    if (allowErrors < 0) {
      throw new InvalidValueException("allow-errors", "must not be negative");
    }
    if (upstream != null
        && (upstream.getScheme() == null || !upstream.getScheme().matches("https?|file"))) {
      throw new InvalidValueException(
          "upstream", "must be an http://, https:// or file:// URL, got '" + upstream + "'");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new InvalidValueException("timeout", "must be positive");
    }
  }

  /** The same settings for the mirror at {@code root}. */
  public SyncConfig withRoot(Path root) {
    return new SyncConfig(
        root,
        upstream,
        dists,
        keyring,
        verifySignature,
        allowLegacySignatures,
        components,
        architectures,
        sources,
        binaries,
        connections,
        bwlimit,
        retries,
        timeout,
        policy,
        allowErrors,
        report,
        deleteGrace,
        maxDelete,
        mode,
        treeSource,
        hostname,
        checksum,
        installer,
        installerVersions);
  }

  /** All defaults. */
  public static SyncConfig defaults() {
    return new SyncConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null);
  }
}
