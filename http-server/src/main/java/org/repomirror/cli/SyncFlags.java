package org.repomirror.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.repomirror.config.ByteSize;
import org.repomirror.config.Durations;
import org.repomirror.config.InvalidValueException;
import org.repomirror.config.StoreConfig;
import org.repomirror.config.SyncConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options {@code sync} and {@code plan} take for one mirror's settings, and how they go over a
 * configuration file's: each given option replaces its key, and the result is checked once, by
 * {@link SyncConfig}. A mixin of both commands.
 */
final class SyncFlags {
  @Option(names = "--root", paramLabel = "DIR", description = "The mirror to write.")
  Path root;

  @Option(
      names = "--upstream",
      paramLabel = "URL",
      description = "The upstream root URL.",
      converter = UrlConverter.class)
  URI upstream;

  @Option(
      names = "--dist",
      paramLabel = "PATH",
      description = "A dists folder relative to the upstream, e.g. extras-devel/dists/fremantle.")
  List<String> dists;

  @Option(names = "--keyring", paramLabel = "FILE", description = "OpenPGP keyring (.gpg or .asc).")
  Path keyring;

  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "Publish into an S3-compatible object store, s3://BUCKET[/PREFIX]; --root then keeps only"
              + " the sync's state. Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
  URI store;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description = "The object store's URL, e.g. http://127.0.0.1:7480 (absent for AWS itself).")
  URI s3Endpoint;

  @Option(
      names = "--connections",
      paramLabel = "N",
      description =
          "Connections to an HTTP upstream; runs of rsync at once; parallel copies from a"
              + " directory (default 8).")
  Integer connections;

  @Option(
      names = "--pipeline",
      paramLabel = "N",
      description =
          "The most requests in flight on each connection (default 32): 10, as apt keeps them,"
              + " and up to this many once the files prove small; 1 sends one at a time.")
  Integer pipeline;

  @Option(
      names = "--http2",
      paramLabel = "WHEN",
      description =
          "auto: the requests as streams of one HTTP/2 connection once the upstream's answers say"
              + " it is a repomirror; on: from the first request; off: never (default auto).")
  String http2;

  @Option(
      names = "--rsh",
      paramLabel = "COMMAND",
      description =
          "The ssh command for an ssh:// upstream, with its options (default ssh), e.g."
              + " \"ssh -i /etc/repomirror/id_ed25519\".")
  String rsh;

  @Option(
      names = "--bwlimit",
      paramLabel = "RATE",
      description = "Bandwidth limit per second, e.g. 10MiB.",
      converter = SizeConverter.class)
  ByteSize bwlimit;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report here too.")
  Path report;

  @Option(names = "--component", paramLabel = "NAME", description = "Mirror only these components.")
  List<String> components;

  @Option(names = "--arch", paramLabel = "ARCH", description = "Mirror only these architectures.")
  List<String> architectures;

  @Option(names = "--no-sources", description = "Skip source packages.")
  boolean noSources;

  @Option(
      names = "--installer",
      paramLabel = "VERSION",
      description =
          "Mirror only these debian-installer versions (current, 20230607...); default: all.")
  List<String> installerVersions;

  @Option(names = "--no-installer", description = "Skip debian-installer's files.")
  boolean noInstaller;

  @Option(names = "--no-binaries", description = "Skip binary packages.")
  boolean noBinaries;

  @Option(names = "--no-verify-signature", description = "Mirror without checking signatures.")
  boolean noVerifySignature;

  @Option(
      names = "--allow-legacy-signatures",
      description = "Accept DSA keys, SHA-1 and expired keys.")
  boolean allowLegacySignatures;

  @Option(
      names = "--max-delete",
      paramLabel = "N",
      description = "Refuse to delete more than N files in a run (default 5000).")
  Integer maxDelete;

  @Option(
      names = "--delete-grace",
      paramLabel = "DURATION",
      description = "Keep unreferenced files this long (default 1h).",
      converter = DurationConverter.class)
  Duration deleteGrace;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description = "apt (default): what the signed indexes reference; tree: the whole tree too.")
  String mode;

  @Option(
      names = "--tree-source",
      paramLabel = "KIND",
      description =
          "Tree mode: auto (default: a peer's manifest, else autoindex over HTTP or rsync's"
              + " listing), manifest, autoindex or rsync.")
  String treeSource;

  @Option(
      names = "--checksum",
      description = "Tree mode from a directory: compare every file by SHA-256 too (reads it).")
  boolean checksum;

  /** Options of a sync that mean nothing to a plan; the commands take them as they see fit. */
  String policy;

  Integer allowErrors;

  String hostname;

  /** These options over a mirror's settings, checked. */
  SyncConfig over(SyncConfig c) {
    return c.toBuilder()
        .root(root)
        .upstream(upstream)
        .dists(dists)
        .keyring(keyring)
        .verifySignature(noVerifySignature ? false : null)
        .allowLegacySignatures(allowLegacySignatures ? true : null)
        .components(components)
        .architectures(architectures)
        .sources(noSources ? false : null)
        .binaries(noBinaries ? false : null)
        .installer(noInstaller ? false : null)
        .installerVersions(installerVersions)
        .connections(connections)
        .pipeline(pipeline)
        .http2(http2)
        .rsh(rsh)
        .store(store(c.store()))
        .bwlimit(bwlimit)
        .report(report)
        .maxDelete(maxDelete)
        .deleteGrace(deleteGrace)
        .mode(mode)
        .treeSource(treeSource)
        .checksum(checksum ? true : null)
        .policy(policy)
        .allowErrors(allowErrors)
        .hostname(hostname)
        .build();
  }

  /** The store the options name, over the file's: --store and --s3-endpoint replace its keys. */
  private StoreConfig store(StoreConfig file) {
    if (store == null && s3Endpoint == null) return file;
    if (store == null && file == null) {
      throw new InvalidValueException("store", "--s3-endpoint needs --store s3://BUCKET[/PREFIX]");
    }
    return new StoreConfig(
        store != null ? store : file.location(),
        s3Endpoint != null ? s3Endpoint : file != null ? file.endpoint() : null,
        file != null ? file.region() : null,
        file != null && s3Endpoint == null ? file.pathStyle() : null,
        file != null ? file.credentialsFile() : null);
  }

  /** The options given that belong to one mirror and make no sense for several. */
  List<String> oneMirrorOptions() {
    List<String> given = new ArrayList<>();
    if (root != null) given.add("--root");
    if (upstream != null) given.add("--upstream");
    if (dists != null) given.add("--dist");
    if (report != null) given.add("--report");
    if (store != null) given.add("--store");
    return given;
  }

  /**
   * The option a configuration key is given with on the command line, for a message about its
   * value.
   */
  static String option(String key) {
    return switch (key) {
      case "dists" -> "--dist";
      case "components" -> "--component";
      case "architectures" -> "--arch";
      case "installer-versions" -> "--installer";
      case "verify-signature" -> "--no-verify-signature";
      case "location" -> "--store";
      case "endpoint" -> "--s3-endpoint";
      default -> "--" + key;
    };
  }

  /** Reads a URL, saying what is wrong with one that is not, in words rather than Java's. */
  static final class UrlConverter implements CommandLine.ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      try {
        return new URI(value);
      } catch (java.net.URISyntaxException e) {
        String reason = e.getReason();
        if (reason.contains("scheme name")) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' has no scheme; did you mean http://" + value + "?");
        }
        throw new CommandLine.TypeConversionException(
            "not a URL: '"
                + value
                + "' ("
                + Character.toLowerCase(reason.charAt(0))
                + reason.substring(1)
                + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : "")
                + ")");
      }
    }
  }

  /** A size as the configuration writes it: {@code 10MiB}. */
  static final class SizeConverter implements CommandLine.ITypeConverter<ByteSize> {
    @Override
    public ByteSize convert(String value) {
      try {
        return ByteSize.parse(value);
      } catch (InvalidValueException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** A duration as the configuration writes it: {@code 1h}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (InvalidValueException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
