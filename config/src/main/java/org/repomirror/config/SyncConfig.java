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
 * @param connections parallel downloads per upstream; runs of rsync at once for an rsync one
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
 * @param treeSource in tree mode: {@code auto} (a peer's manifest when it has one, else the
 *     directory index pages over HTTP, rsync's own listing over rsync), {@code manifest}, {@code
 *     autoindex} (HTTP only) or {@code rsync} (rsync only)
 * @param hostname names the trace file, {@code project/trace/<hostname>}; the machine's by default
 * @param checksum in tree mode from a directory, compare files by SHA-256 too (reads the tree)
 * @param installer whether to mirror debian-installer's files ({@code main/installer-<arch>/})
 * @param installerVersions the installer versions to mirror ({@code current}...); empty means every
 *     one the Release lists
 * @param retryBackoff the first retry's delay after a transient failure; each next one doubles it
 * @param maxRetryAfter the longest Retry-After an upstream's answer is waited for
 * @param pipeline the most requests in flight on each HTTP connection: a transfer keeps 10, as apt
 *     does, and up to this many once its files prove small; 1 sends one at a time
 * @param rsh the ssh command for an ssh:// upstream, with its options (an identity file, say), as
 *     rsync's {@code --rsh}; batch mode, the connect timeout and the URL's port are added to it
 * @param store where the published tree lives when not in {@code root}: an S3-compatible object
 *     store; the root then keeps only the sync's state. Absent for the root itself
 * @param http2 when an HTTP upstream's requests go as the streams of one HTTP/2 connection: {@code
 *     auto} (once its answers say it is a repomirror, which offers it), {@code on} or {@code off}
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
    List<String> installerVersions,
    Duration retryBackoff,
    Duration maxRetryAfter,
    Integer pipeline,
    String rsh,
    StoreConfig store,
    String http2) {

  public static final int DEFAULT_CONNECTIONS = 8;
  public static final int DEFAULT_RETRIES = 4;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  public static final String DEFAULT_POLICY = "strict";
  public static final Duration DEFAULT_DELETE_GRACE = Duration.ofHours(1);
  public static final int DEFAULT_MAX_DELETE = 5000;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);
  public static final int DEFAULT_PIPELINE = 32;

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
    retryBackoff = retryBackoff != null ? retryBackoff : DEFAULT_RETRY_BACKOFF;
    maxRetryAfter = maxRetryAfter != null ? maxRetryAfter : DEFAULT_MAX_RETRY_AFTER;
    pipeline = pipeline != null ? pipeline : DEFAULT_PIPELINE;
    rsh = rsh != null ? rsh : "ssh";
    // YAML 1.1 reads a bare on or off as a boolean.
    http2 =
        http2 == null
            ? "auto"
            : http2.equals("true") ? "on" : http2.equals("false") ? "off" : http2;
    if (!List.of("auto", "on", "off").contains(http2)) {
      throw new InvalidValueException("http2", "must be auto, on or off, got '" + http2 + "'");
    }
    if (rsh.isBlank()) throw new InvalidValueException("rsh", "must name the ssh command");
    treeSource = treeSource != null ? treeSource : "auto";
    if (!mode.equals("apt") && !mode.equals("tree")) {
      throw new InvalidValueException("mode", "must be apt or tree, got '" + mode + "'");
    }
    if (!List.of("auto", "manifest", "autoindex", "rsync").contains(treeSource)) {
      throw new InvalidValueException(
          "tree-source", "must be auto, manifest, autoindex or rsync, got '" + treeSource + "'");
    }
    if (hostname != null && !hostname.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
      throw new InvalidValueException("hostname", "must be a host name, got '" + hostname + "'");
    }
    if (maxDelete < 0) {
      throw new InvalidValueException("max-delete", "must not be negative");
    }
    if (pipeline < 1 || pipeline > 64) {
      throw new InvalidValueException("pipeline", "must be 1..64, got " + pipeline);
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
        && (upstream.getScheme() == null
            || !upstream.getScheme().matches("https?|file|rsync|ssh"))) {
      throw new InvalidValueException(
          "upstream",
          "must be an http://, https://, rsync:// or ssh:// URL (file:// only with --mode tree),"
              + " got '"
              + upstream
              + "'"
              + (looksLikeAHost(upstream) ? "; did you mean http://" + upstream + "?" : ""));
    }
    if (upstream != null && upstream.getScheme().matches("rsync|ssh")) {
      if (upstream.getHost() == null || upstream.getHost().startsWith("-")) {
        throw new InvalidValueException(
            "upstream", "names no host: '" + upstream + "'; e.g. rsync://host/module/");
      }
      if (upstream.getPath() == null || upstream.getPath().length() < 2) {
        throw new InvalidValueException(
            "upstream",
            "names no "
                + (upstream.getScheme().equals("rsync") ? "module" : "folder")
                + ": '"
                + upstream
                + "'; e.g. "
                + (upstream.getScheme().equals("rsync")
                    ? "rsync://host/debian/"
                    : "ssh://user@host/srv/mirror/"));
      }
    }
    for (String d : dists) {
      if (!(d.startsWith("dists/") || d.contains("/dists/")) || d.endsWith("/dists")) {
        throw new InvalidValueException(
            "dists",
            "'"
                + d
                + "' is not a dists folder; give the path from the upstream root, e.g. dists/"
                + d.substring(d.lastIndexOf('/') + 1));
      }
    }
    if (retryBackoff.isNegative() || maxRetryAfter.isNegative()) {
      throw new InvalidValueException(
          retryBackoff.isNegative() ? "retry-backoff" : "max-retry-after", "must not be negative");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new InvalidValueException("timeout", "must be positive");
    }
  }

  /** The same settings for the mirror at {@code root}. */
  public SyncConfig withRoot(Path root) {
    return toBuilder().root(root).build();
  }

  /** All defaults. */
  public static SyncConfig defaults() {
    return new Builder().build();
  }

  /** These settings as a builder, to put others over them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Whether these settings, with whatever the command line put over them, make a sync that can run:
   * an upstream, suites to mirror in apt mode, a file:// upstream only in tree mode, a keyring when
   * signatures are checked, {@code checksum} only in tree mode from a directory.
   *
   * @throws InvalidValueException naming the key of the first that does not
   */
  public void checkRunnable() {
    if (upstream == null) {
      throw new InvalidValueException(
          "upstream", "is required: give the upstream root URL (--upstream URL, or upstream:)");
    }
    boolean local = "file".equals(upstream.getScheme());
    boolean tree = mode.equals("tree");
    if (local && !tree) {
      throw new InvalidValueException(
          "upstream",
          "must be an http://, https://, rsync:// or ssh:// URL (file:// only with --mode tree),"
              + " got '"
              + upstream
              + "'");
    }
    boolean rsync = upstream.getScheme().matches("rsync|ssh");
    if (tree && treeSource.equals("autoindex") && (local || rsync)) {
      throw new InvalidValueException(
          "tree-source", "autoindex needs an http:// or https:// upstream");
    }
    if (tree && treeSource.equals("rsync") && !rsync) {
      throw new InvalidValueException("tree-source", "rsync needs an rsync:// or ssh:// upstream");
    }
    if (dists.isEmpty() && !tree) {
      throw new InvalidValueException(
          "dists", "at least one is required (--dist PATH, or dists:), or --mode tree");
    }
    if (checksum && !(local && tree)) {
      throw new InvalidValueException(
          "checksum", "needs --mode tree from a file:// upstream (a manifest has SHA-256)");
    }
    if (verifiesSignatures() && keyring == null) {
      throw new InvalidValueException(
          "keyring",
          "no keyring: give the upstream's (--keyring FILE, or keyring:), or mirror unverified"
              + " (--no-verify-signature, or verify-signature: false)");
    }
  }

  /** Whether a URL that is no http:// one was meant as a host: {@code localhost:8080}. */
  private static boolean looksLikeAHost(URI url) {
    String scheme = url.getScheme();
    return scheme == null || !List.of("ftp", "ftps", "sftp").contains(scheme);
  }

  /** Whether signatures are checked: asked for, and there are suites to check. */
  public boolean verifiesSignatures() {
    return verifySignature && !dists.isEmpty();
  }

  /**
   * Builds settings key by key; a null value leaves the key as it was, so that the command line's
   * options go over a file's settings. Validated once, by {@link #build()}.
   */
  public static final class Builder {
    private Path root;
    private URI upstream;
    private List<String> dists;
    private Path keyring;
    private Boolean verifySignature;
    private Boolean allowLegacySignatures;
    private List<String> components;
    private List<String> architectures;
    private Boolean sources;
    private Boolean binaries;
    private Integer connections;
    private ByteSize bwlimit;
    private Integer retries;
    private Duration timeout;
    private String policy;
    private Integer allowErrors;
    private Path report;
    private Duration deleteGrace;
    private Integer maxDelete;
    private String mode;
    private String treeSource;
    private String hostname;
    private Boolean checksum;
    private Boolean installer;
    private List<String> installerVersions;
    private Duration retryBackoff;
    private Integer pipeline;
    private Duration maxRetryAfter;
    private String rsh;
    private StoreConfig store;
    private String http2;

    public Builder() {}

    private Builder(SyncConfig c) {
      root = c.root;
      upstream = c.upstream;
      dists = c.dists;
      keyring = c.keyring;
      verifySignature = c.verifySignature;
      allowLegacySignatures = c.allowLegacySignatures;
      components = c.components;
      architectures = c.architectures;
      sources = c.sources;
      binaries = c.binaries;
      connections = c.connections;
      bwlimit = c.bwlimit;
      retries = c.retries;
      timeout = c.timeout;
      policy = c.policy;
      allowErrors = c.allowErrors;
      report = c.report;
      deleteGrace = c.deleteGrace;
      maxDelete = c.maxDelete;
      mode = c.mode;
      treeSource = c.treeSource;
      hostname = c.hostname;
      checksum = c.checksum;
      installer = c.installer;
      installerVersions = c.installerVersions;
      retryBackoff = c.retryBackoff;
      pipeline = c.pipeline;
      maxRetryAfter = c.maxRetryAfter;
      rsh = c.rsh;
      store = c.store;
      http2 = c.http2;
    }

    private static <T> T or(T value, T was) {
      return value != null ? value : was;
    }

    public Builder root(Path v) {
      root = or(v, root);
      return this;
    }

    public Builder upstream(URI v) {
      upstream = or(v, upstream);
      return this;
    }

    public Builder dists(List<String> v) {
      dists = or(v, dists);
      return this;
    }

    public Builder keyring(Path v) {
      keyring = or(v, keyring);
      return this;
    }

    public Builder verifySignature(Boolean v) {
      verifySignature = or(v, verifySignature);
      return this;
    }

    public Builder allowLegacySignatures(Boolean v) {
      allowLegacySignatures = or(v, allowLegacySignatures);
      return this;
    }

    public Builder components(List<String> v) {
      components = or(v, components);
      return this;
    }

    public Builder architectures(List<String> v) {
      architectures = or(v, architectures);
      return this;
    }

    public Builder sources(Boolean v) {
      sources = or(v, sources);
      return this;
    }

    public Builder binaries(Boolean v) {
      binaries = or(v, binaries);
      return this;
    }

    public Builder pipeline(Integer v) {
      pipeline = or(v, pipeline);
      return this;
    }

    public Builder store(StoreConfig v) {
      store = v != null ? v : store;
      return this;
    }

    public Builder http2(String v) {
      http2 = or(v, http2);
      return this;
    }

    public Builder rsh(String v) {
      rsh = or(v, rsh);
      return this;
    }

    public Builder connections(Integer v) {
      connections = or(v, connections);
      return this;
    }

    public Builder bwlimit(ByteSize v) {
      bwlimit = or(v, bwlimit);
      return this;
    }

    public Builder policy(String v) {
      policy = or(v, policy);
      return this;
    }

    public Builder allowErrors(Integer v) {
      allowErrors = or(v, allowErrors);
      return this;
    }

    public Builder report(Path v) {
      report = or(v, report);
      return this;
    }

    public Builder deleteGrace(Duration v) {
      deleteGrace = or(v, deleteGrace);
      return this;
    }

    public Builder maxDelete(Integer v) {
      maxDelete = or(v, maxDelete);
      return this;
    }

    public Builder mode(String v) {
      mode = or(v, mode);
      return this;
    }

    public Builder treeSource(String v) {
      treeSource = or(v, treeSource);
      return this;
    }

    public Builder hostname(String v) {
      hostname = or(v, hostname);
      return this;
    }

    public Builder checksum(Boolean v) {
      checksum = or(v, checksum);
      return this;
    }

    public Builder installer(Boolean v) {
      installer = or(v, installer);
      return this;
    }

    public Builder installerVersions(List<String> v) {
      installerVersions = or(v, installerVersions);
      return this;
    }

    /**
     * @throws InvalidValueException naming the key of the first value that is wrong
     */
    public SyncConfig build() {
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
          installerVersions,
          retryBackoff,
          maxRetryAfter,
          pipeline,
          rsh,
          store,
          http2);
    }
  }
}
