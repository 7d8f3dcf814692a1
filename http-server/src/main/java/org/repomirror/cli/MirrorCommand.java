package org.repomirror.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import org.repomirror.config.ByteSize;
import org.repomirror.config.ConfigException;
import org.repomirror.config.ConfigLoader;
import org.repomirror.config.InvalidValueException;
import org.repomirror.config.RepomirrorConfig;
import org.repomirror.config.SyncConfig;
import org.repomirror.index.Index;
import org.repomirror.index.IndexException;
import org.repomirror.report.RunOutcome;
import org.repomirror.source.HttpUpstream;
import org.repomirror.source.LocalUpstream;
import org.repomirror.source.Upstream;
import org.repomirror.sync.MirrorBusyException;
import org.repomirror.sync.SyncEngine;
import org.repomirror.sync.SyncOptions;
import org.repomirror.sync.UpstreamBusyException;
import org.repomirror.transfer.Throttle;
import org.repomirror.transfer.Transfer;
import org.repomirror.tree.AutoindexLister;
import org.repomirror.tree.DirectoryLister;
import org.repomirror.tree.ManifestLister;
import org.repomirror.tree.ManifestOrAutoindexLister;
import org.repomirror.tree.TreeLister;
import org.repomirror.trust.Keyring;
import org.repomirror.trust.ReleaseVerifier;
import org.repomirror.trust.TrustException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options {@code sync} and {@code plan} share, and how they become a {@link SyncEngine}: the
 * configuration file, then the command line over it, checked before anything is opened.
 */
abstract class MirrorCommand {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR", description = "The mirror to write.")
  Path root;

  @Option(names = "--upstream", paramLabel = "URL", description = "The upstream root URL.")
  URI upstream;

  @Option(
      names = "--dist",
      paramLabel = "PATH",
      description = "A dists folder relative to the upstream, e.g. extras-devel/dists/fremantle.")
  List<String> dists;

  @Option(names = "--keyring", paramLabel = "FILE", description = "OpenPGP keyring (.gpg or .asc).")
  Path keyring;

  @Option(
      names = "--connections",
      paramLabel = "N",
      description = "Parallel downloads (default 8).")
  Integer connections;

  @Option(
      names = "--bwlimit",
      paramLabel = "RATE",
      description = "Bandwidth limit per second, e.g. 10MiB.")
  String bwlimit;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report here too.")
  Path report;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path configFile;

  @Option(names = "--component", paramLabel = "NAME", description = "Mirror only these components.")
  List<String> components;

  @Option(names = "--arch", paramLabel = "ARCH", description = "Mirror only these architectures.")
  List<String> architectures;

  @Option(names = "--no-sources", description = "Skip source packages.")
  boolean noSources;

  @Option(names = "--no-binaries", description = "Skip binary packages.")
  boolean noBinaries;

  @Option(names = "--no-verify-signature", description = "Mirror without checking signatures.")
  boolean noVerifySignature;

  @Option(
      names = "--allow-legacy-signatures",
      description = "Accept DSA keys, SHA-1 and expired keys.")
  boolean allowLegacySignatures;

  @Option(
      names = "--policy",
      paramLabel = "POLICY",
      description = "strict (default) or mirror-as-is.")
  String policy;

  @Option(
      names = "--allow-errors",
      paramLabel = "N",
      description = "Publish a suite with up to N bad files.")
  Integer allowErrors;

  @Option(
      names = "--max-delete",
      paramLabel = "N",
      description = "Refuse to delete more than N files in a run (default 5000).")
  Integer maxDelete;

  @Option(
      names = "--delete-grace",
      paramLabel = "DURATION",
      description = "Keep unreferenced files this long (default 1h).")
  String deleteGrace;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description = "apt (default): what the signed indexes reference; tree: the whole tree too.")
  String mode;

  @Option(
      names = "--tree-source",
      paramLabel = "KIND",
      description = "Tree mode over HTTP: auto (default), manifest or autoindex.")
  String treeSource;

  @Option(
      names = "--checksum",
      description = "Tree mode from a directory: compare every file by SHA-256 too (reads it).")
  boolean checksum;

  @Option(
      names = "--hostname",
      paramLabel = "NAME",
      description = "Names the trace file project/trace/NAME (default: this machine's).")
  String hostname;

  /** A checked run, ready to open. */
  record Prepared(
      Path mirror,
      URI upstream,
      boolean local,
      boolean tree,
      String treeSource,
      boolean checksum,
      int connections,
      ReleaseVerifier verifier,
      SyncOptions options,
      SyncConfig config) {}

  /** What to do with the engine once everything is open. */
  @FunctionalInterface
  interface Job {
    int run(SyncEngine engine) throws IOException, InterruptedException;
  }

  /** The exit code of the last failed {@link #prepare()}, after its reason was printed. */
  int usageExit;

  /**
   * Checks every option and builds the run's settings; null after printing why, when they are
   * wrong.
   */
  Prepared prepare() {
    RepomirrorConfig file;
    try {
      file = configFile != null ? ConfigLoader.load(configFile) : RepomirrorConfig.defaults();
    } catch (ConfigException e) {
      return fail(e.getMessage());
    }
    SyncConfig c = file.sync();
    Path mirror = first(root, c.root(), file.server().root());
    URI up = first(upstream, c.upstream(), null);
    List<String> ds = dists != null ? dists : c.dists();
    Path keys = first(keyring, c.keyring(), null);
    boolean verify = !noVerifySignature && c.verifySignature();
    if (mirror == null) return fail("--root is required (or sync.root in the config file)");
    if (up == null) return fail("--upstream is required (or sync.upstream in the config file)");
    String m = mode != null ? mode : c.mode();
    if (!m.equals("apt") && !m.equals("tree")) return fail("--mode must be apt or tree");
    String kind = treeSource != null ? treeSource : c.treeSource();
    if (!List.of("auto", "manifest", "autoindex").contains(kind)) {
      return fail("--tree-source must be auto, manifest or autoindex");
    }
    boolean local = up.toString().startsWith("file:");
    if (!up.toString().matches("https?://.+") && !(local && m.equals("tree"))) {
      return fail("--upstream must be an http:// or https:// URL (file:// only with --mode tree)");
    }
    if (ds.isEmpty() && m.equals("apt")) {
      return fail("at least one --dist is required (or sync.dists), or --mode tree");
    }
    for (String d : ds) {
      if (!(d.startsWith("dists/") || d.contains("/dists/")) || d.endsWith("/dists")) {
        return fail(
            "--dist "
                + d
                + ": not a dists folder; give the path from the upstream root, e.g. dists/"
                + d.substring(d.lastIndexOf('/') + 1));
      }
    }
    String host = hostname != null ? hostname : c.hostname();
    if (host != null && !host.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
      return fail("--hostname must be a host name");
    }
    boolean sums = checksum || c.checksum();
    if (sums && !(local && m.equals("tree"))) {
      return fail("--checksum needs --mode tree from a file:// upstream (a manifest has SHA-256)");
    }
    if (ds.isEmpty()) verify = false; // nothing signed to check: tree files are checked by listing
    if (verify && keys == null) {
      return fail("no keyring: pass --keyring FILE, or --no-verify-signature to mirror unverified");
    }
    long rate;
    try {
      rate = bwlimit != null ? ByteSize.parse(bwlimit).bytes() : c.bwlimit().bytes();
    } catch (InvalidValueException e) {
      return fail("--bwlimit: " + e.getMessage());
    }
    String pol = policy != null ? policy : c.policy();
    if (!pol.equals("strict") && !pol.equals("mirror-as-is")) {
      return fail("--policy must be strict or mirror-as-is");
    }
    java.time.Duration grace;
    try {
      grace =
          deleteGrace != null
              ? org.repomirror.config.Durations.parse(deleteGrace)
              : c.deleteGrace();
    } catch (InvalidValueException e) {
      return fail("--delete-grace: " + e.getMessage());
    }
    int conns = connections != null ? connections : c.connections();
    if (conns < 1 || conns > 256) return fail("--connections must be 1..256");
    ReleaseVerifier verifier = null;
    if (verify) {
      try {
        verifier =
            new ReleaseVerifier(
                Keyring.load(keys), allowLegacySignatures || c.allowLegacySignatures());
      } catch (IOException e) {
        return fail("cannot read the keyring: " + e.getMessage());
      } catch (TrustException e) {
        return fail(e.getMessage());
      }
    }
    SyncOptions options =
        new SyncOptions(
            ds,
            new LinkedHashSet<>(components != null ? components : c.components()),
            new LinkedHashSet<>(architectures != null ? architectures : c.architectures()),
            !noBinaries && c.binaries(),
            !noSources && c.sources(),
            verify,
            allowErrors != null ? allowErrors : c.allowErrors(),
            grace,
            maxDelete != null ? maxDelete : c.maxDelete(),
            new Transfer.Settings(
                conns,
                c.retries(),
                Duration.ofMillis(500),
                Duration.ofSeconds(60),
                new Throttle(rate),
                pol.equals("strict")
                    ? Transfer.MismatchPolicy.STRICT
                    : Transfer.MismatchPolicy.MIRROR_AS_IS),
            host != null ? host : SyncOptions.localHostname());
    return new Prepared(
        mirror, up, local, m.equals("tree"), kind, sums, conns, verifier, options, c);
  }

  /** Opens the index, the upstream and the progress display, runs the job, closes them. */
  /**
   * Prints the one-line reason for an outcome that is not OK on standard error, as every nonzero
   * exit does, and returns its exit code.
   */
  int exit(RunOutcome outcome, String reason) {
    if (outcome != RunOutcome.OK) err().println(name() + ": " + outcome + ": " + reason);
    return ExitCodes.of(outcome);
  }

  int open(Prepared p, Job job) throws InterruptedException {
    try {
      Files.createDirectories(p.mirror().resolve(".repomirror"));
      Upstream source =
          p.local()
              ? new LocalUpstream(Path.of(p.upstream()))
              : new HttpUpstream(p.upstream(), p.config().timeout(), p.connections());
      try (Index index = Index.open(p.mirror().resolve(".repomirror/index"));
          ConsoleProgress progress = new ConsoleProgress(System.console() != null, 10)) {
        SyncEngine engine =
            new SyncEngine(
                p.mirror(), source, index, p.verifier(), p.options(), Clock.systemUTC(), progress);
        if (p.tree()) {
          engine.mirrorTree(lister(source, p.treeSource(), p.connections(), p.checksum()));
        }
        return job.run(engine);
      } finally {
        if (source instanceof HttpUpstream http) http.close();
      }
    } catch (UpstreamBusyException e) {
      err().println(name() + ": refused to start: " + e.getMessage());
      return ExitCodes.UPSTREAM_BUSY;
    } catch (MirrorBusyException e) {
      return aborted(e.getMessage());
    } catch (IndexException e) {
      return aborted("the index: " + e.getMessage());
    } catch (IOException e) {
      return aborted(e.getMessage() != null ? e.getMessage() : e.toString());
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  String name() {
    return spec.name();
  }

  /** How to list the upstream's tree: walk a directory, read a peer's manifest, crawl pages. */
  private static TreeLister lister(
      Upstream source, String kind, int connections, boolean checksum) {
    if (source instanceof LocalUpstream local) {
      return new DirectoryLister(local.root(), Math.max(4, connections), checksum);
    }
    return switch (kind) {
      case "manifest" -> new ManifestLister(source);
      case "autoindex" -> new AutoindexLister(source, connections);
      default ->
          new ManifestOrAutoindexLister(
              new ManifestLister(source), new AutoindexLister(source, connections));
    };
  }

  Prepared fail(String reason) {
    err().println(name() + ": " + reason);
    usageExit = ExitCodes.USAGE;
    return null;
  }

  private int aborted(String reason) {
    err().println(name() + ": aborted, the published tree is intact: " + reason);
    return ExitCodes.ABORTED;
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) return v;
    }
    return null;
  }
}
