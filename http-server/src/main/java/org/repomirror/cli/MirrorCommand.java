package org.repomirror.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.repomirror.apt.SuiteSelection;
import org.repomirror.config.ByteSize;
import org.repomirror.config.ConfigException;
import org.repomirror.config.ConfigLoader;
import org.repomirror.config.InvalidValueException;
import org.repomirror.config.MirrorConfig;
import org.repomirror.config.RepomirrorConfig;
import org.repomirror.config.SyncConfig;
import org.repomirror.fs.IoErrors;
import org.repomirror.index.Index;
import org.repomirror.index.IndexException;
import org.repomirror.report.RunOutcome;
import org.repomirror.source.HttpUpstream;
import org.repomirror.source.LocalUpstream;
import org.repomirror.source.Upstream;
import org.repomirror.sync.MirrorBusyException;
import org.repomirror.sync.MirrorLayout;
import org.repomirror.sync.SyncEngine;
import org.repomirror.sync.SyncInterrupted;
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

  @Option(
      names = "--mirror",
      paramLabel = "NAME",
      description = "The mirror of the config file's mirrors list to run; repeat for several.")
  List<String> mirrorNames;

  @Option(
      names = "--all",
      description = "Every mirror of the config file's list, in order (without one: its sync).")
  boolean all;

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

  /** The options of a sync that mean nothing to a plan, which publishes nothing: see sync's. */
  String policy;

  Integer allowErrors;

  String hostname;

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

  /**
   * A checked run, ready to open.
   *
   * @param name the mirror's name in the config file's list, or null
   */
  record Prepared(
      String name,
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

  /** The exit code of the last failed {@link #targets()} or {@link #prepare}, after its reason. */
  int usageExit;

  /**
   * A mirror to run: its name in the config file's list (null for the one mirror of a file without
   * a list), and its settings.
   *
   * @param servedRoot where its root is by default, {@code server.root}
   */
  record Target(String name, SyncConfig config, Path servedRoot) {}

  /** The mirror currently prepared or run, for the prefix of what is printed; null for the one. */
  String current;

  /** Whether the last {@link #open} found another sync holding the mirror. */
  boolean busy;

  /** Whether the last {@link #open} was stopped by a signal: no further run follows it. */
  boolean interrupted;

  /**
   * Whether this run serves an upstream's push ({@code on-push}): a mirror another sync holds is
   * then no failure, since the holder runs again for the push ({@link PushRequests}).
   */
  boolean pushed;

  /** The configuration file as read by {@link #targets()}. */
  RepomirrorConfig file;

  /**
   * The mirrors this command runs, as {@code --mirror} and {@code --all} choose them from the
   * config file; null after printing why, when the choice is wrong.
   */
  List<Target> targets() {
    try {
      file = configFile != null ? ConfigLoader.load(configFile) : RepomirrorConfig.defaults();
    } catch (ConfigException e) {
      fail(e.getMessage());
      return null;
    }
    List<MirrorConfig> listed = file.mirrors();
    boolean chosen = all || mirrorNames != null;
    if (all && mirrorNames != null) return usage("give --mirror NAME or --all, not both");
    if (listed.isEmpty()) {
      if (mirrorNames != null) {
        return usage(
            "--mirror: "
                + (configFile == null ? "no --config file" : "the config file has no mirrors list")
                + " to choose from; without one, the sync section is the one mirror");
      }
      return List.of(new Target(null, file.sync(), file.server().root()));
    }
    if (!chosen) {
      return usage(
          "the config file lists mirrors ("
              + String.join(", ", listed.stream().map(MirrorConfig::name).toList())
              + "): give --mirror NAME or --all");
    }
    List<Target> targets = new ArrayList<>();
    for (MirrorConfig m : listed) {
      if (all) targets.add(new Target(m.name(), m.sync(), file.server().root()));
    }
    for (String name : mirrorNames != null ? mirrorNames : List.<String>of()) {
      MirrorConfig m = file.mirror(name).orElse(null);
      if (m == null) {
        List<String> names = listed.stream().map(MirrorConfig::name).toList();
        String meant = Main.closest(name, names);
        return usage(
            "--mirror "
                + name
                + ": no such mirror in "
                + configFile
                + (meant != null
                    ? "; did you mean " + meant + "?"
                    : "; its mirrors are " + String.join(", ", names)));
      }
      if (targets.stream().noneMatch(t -> t.name().equals(name))) {
        targets.add(new Target(m.name(), m.sync(), file.server().root()));
      }
    }
    List<String> oneMirror = oneMirrorOptions();
    if (targets.size() > 1 && !oneMirror.isEmpty()) {
      return usage(
          oneMirror.getFirst()
              + " is one mirror's setting: give it in the mirror's entry, or run one mirror");
    }
    return targets;
  }

  /**
   * Every chosen mirror checked before any runs, so that a mistake in the last one is found before
   * the first has run; null after printing why.
   */
  List<Prepared> prepareAll() {
    List<Target> targets = targets();
    if (targets == null) return null;
    List<Prepared> runs = new ArrayList<>();
    for (Target t : targets) {
      Prepared p = prepare(t);
      if (p == null) return null;
      runs.add(p);
    }
    current = null;
    return runs;
  }

  /** What to do for one mirror; returns its exit code. */
  @FunctionalInterface
  interface PerMirror {
    int run(Prepared p) throws IOException, InterruptedException;
  }

  /**
   * Runs each mirror in order, each after the one before, whatever its outcome; with several, each
   * under a heading and all with a last line that names those that did not exit 0.
   *
   * @return 0 when every mirror's run did, else the exit code of the first that did not
   */
  int each(List<Prepared> runs, PerMirror job) throws IOException, InterruptedException {
    return each(runs, job, true);
  }

  /**
   * @param headings whether to head each mirror's output with its name (not when the output is one
   *     JSON document)
   */
  int each(List<Prepared> runs, PerMirror job, boolean headings)
      throws IOException, InterruptedException {
    int first = ExitCodes.OK;
    List<String> failed = new ArrayList<>();
    for (Prepared p : runs) {
      current = p.name();
      if (headings && runs.size() > 1) {
        out().println("== mirror " + p.name() + ": " + p.mirror() + " ==");
      }
      int code = job.run(p);
      out().flush();
      if (code != ExitCodes.OK) {
        failed.add(p.name() + " (exit " + code + ")");
        if (first == ExitCodes.OK) first = code;
      }
      if (interrupted) break;
    }
    current = null;
    if (headings && runs.size() > 1) {
      out()
          .println(
              spec.name()
                  + ": "
                  + (failed.isEmpty()
                      ? "all " + runs.size() + " mirrors done"
                      : (runs.size() - failed.size())
                          + " of "
                          + runs.size()
                          + " mirrors done; not: "
                          + String.join(", ", failed)));
    }
    return first;
  }

  /** The options given that belong to one mirror and make no sense for several. */
  private List<String> oneMirrorOptions() {
    List<String> given = new ArrayList<>();
    if (root != null) given.add("--root");
    if (upstream != null) given.add("--upstream");
    if (dists != null) given.add("--dist");
    if (report != null) given.add("--report");
    return given;
  }

  /**
   * Checks every option for one mirror and builds the run's settings; null after printing why, when
   * they are wrong.
   */
  Prepared prepare(Target target) {
    current = target.name();
    SyncConfig c = target.config();
    Path mirror = first(root, c.root(), target.servedRoot());
    URI up = first(upstream, c.upstream(), null);
    List<String> ds = dists != null ? dists : c.dists();
    Path keys = first(keyring, c.keyring(), null);
    boolean verify = !noVerifySignature && c.verifySignature();
    if (mirror == null) return fail("--root is required (or sync.root in the config file)");
    if (up == null) {
      return fail(
          "--upstream is required (or "
              + (current != null ? "upstream in the mirror's entry" : "sync.upstream")
              + " in the config file)");
    }
    String m = mode != null ? mode : c.mode();
    if (!m.equals("apt") && !m.equals("tree")) return fail("--mode must be apt or tree");
    String kind = treeSource != null ? treeSource : c.treeSource();
    if (!List.of("auto", "manifest", "autoindex").contains(kind)) {
      return fail("--tree-source must be auto, manifest or autoindex");
    }
    boolean local = up.toString().startsWith("file:");
    if (!up.toString().matches("https?://.+") && !(local && m.equals("tree"))) {
      boolean hostOnly =
          up.getScheme() == null || !List.of("http", "https", "file").contains(up.getScheme());
      return fail(
          "--upstream must be an http:// or https:// URL (file:// only with --mode tree), got '"
              + up
              + "'"
              + (hostOnly ? "; did you mean http://" + up + "?" : ""));
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
        return fail("cannot read the keyring: " + IoErrors.describe(e));
      } catch (TrustException e) {
        return fail(e.getMessage());
      }
    }
    SyncOptions options =
        new SyncOptions(
            ds,
            new SuiteSelection(
                new LinkedHashSet<>(components != null ? components : c.components()),
                new LinkedHashSet<>(architectures != null ? architectures : c.architectures()),
                !noBinaries && c.binaries(),
                !noSources && c.sources(),
                !noInstaller && c.installer(),
                new LinkedHashSet<>(
                    installerVersions != null ? installerVersions : c.installerVersions())),
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
        current, mirror, up, local, m.equals("tree"), kind, sums, conns, verifier, options, c);
  }

  /**
   * Prints the one-line reason for an outcome that is not OK on standard error, as every nonzero
   * exit does, and returns its exit code.
   */
  int exit(RunOutcome outcome, String reason) {
    if (outcome != RunOutcome.OK) err().println(name() + ": " + outcome + ": " + reason);
    return ExitCodes.of(outcome);
  }

  /** Opens the index, the upstream and the progress display, runs the job, closes them. */
  int open(Prepared p, Job job) throws InterruptedException {
    current = p.name();
    busy = false;
    interrupted = false;
    StopOnSignal signal = StopOnSignal.install();
    try {
      Files.createDirectories(new MirrorLayout(p.mirror()).state());
      Upstream source =
          p.local()
              ? new LocalUpstream(Path.of(p.upstream()))
              : new HttpUpstream(p.upstream(), p.config().timeout(), p.connections());
      refuseWhileRunning(p.mirror());
      try (Index index = openIndex(p.mirror());
          ConsoleProgress progress = new ConsoleProgress(System.console() != null, 10)) {
        SyncEngine engine =
            new SyncEngine(
                p.mirror(), source, index, p.verifier(), p.options(), Clock.systemUTC(), progress);
        if (p.tree()) {
          engine.mirrorTree(lister(source, p.treeSource(), p.connections(), p.checksum()));
        }
        signal.whenSignalled(engine::stop);
        return job.run(engine);
      } finally {
        if (source instanceof HttpUpstream http) http.close();
      }
    } catch (SyncInterrupted e) {
      interrupted = true;
      err().println(name() + ": interrupted: " + e.summary());
      return ExitCodes.INTERRUPTED;
    } catch (Transfer.Stopped e) {
      interrupted = true;
      err().println(name() + ": interrupted; nothing was published");
      return ExitCodes.INTERRUPTED;
    } catch (UpstreamBusyException e) {
      err().println(name() + ": refused to start: " + e.getMessage());
      return ExitCodes.UPSTREAM_BUSY;
    } catch (MirrorBusyException e) {
      busy = true;
      if (pushed) {
        out().println(name() + ": " + e.getMessage() + "; it runs again when done, for this push");
        return ExitCodes.OK;
      }
      err().println(name() + ": refused to start, nothing changed: " + e.getMessage());
      return ExitCodes.ABORTED;
    } catch (IndexException e) {
      return aborted("the index: " + e.getMessage());
    } catch (IOException e) {
      return aborted(IoErrors.describe(e));
    } finally {
      signal.close();
    }
  }

  /** Says who holds a mirror, rather than that its index is locked, when a sync runs on it. */
  private static void refuseWhileRunning(Path mirror) throws MirrorBusyException {
    Optional<String> running = SyncEngine.running(mirror);
    if (running.isPresent()) {
      throw new MirrorBusyException("another sync holds " + mirror + " (" + running.get() + ")");
    }
  }

  /** The mirror's index, for writing; a sync that began a moment ago is named as busy. */
  private static Index openIndex(Path mirror) throws MirrorBusyException {
    try {
      return Index.open(new MirrorLayout(mirror).index());
    } catch (IndexException e) {
      refuseWhileRunning(mirror);
      throw e;
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The command, and the mirror it runs when it is one of a list: {@code sync debian}. */
  String name() {
    return current != null ? spec.name() + " " + current : spec.name();
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

  private List<Target> usage(String reason) {
    fail(reason);
    return null;
  }

  private int aborted(String reason) {
    err().println(name() + ": aborted, the published tree is intact: " + reason);
    return ExitCodes.ABORTED;
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

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) return v;
    }
    return null;
  }
}
