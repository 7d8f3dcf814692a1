package org.repomirror.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.repomirror.config.AccessLogTarget;
import org.repomirror.config.HostPort;
import org.repomirror.config.ServerConfig;
import org.repomirror.sample.SampleArchive;
import org.repomirror.sample.SigningKey;
import org.repomirror.server.RepoServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code repomirror demo}: the whole job on a sample archive made on the spot, with nothing
 * prepared. It signs a small archive (a modern suite and a legacy one), serves it on loopback as
 * the upstream, syncs it with the real engine, serves the mirror, and says how to point apt at it;
 * Ctrl-C stops it and removes what it made.
 */
@Command(
    name = "demo",
    header = "Show the whole job on a sample archive: sign, serve, sync, serve the mirror.",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Makes a small signed archive (a modern suite with InRelease and by-hash, and a legacy Maemo one with an MD5-only Release and Release.gpg), serves it on loopback as the upstream, syncs it into a mirror with the real engine, every file verified, and serves the mirror until Ctrl-C. It prints the sources.list lines and the key to trust.",
      "",
      "Exit codes: 0 stopped, 1 could not start or the sync failed, 2 usage."
    })
final class DemoCommand implements Callable<Integer> {
  private static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8080);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Where the mirror is served (default 127.0.0.1:8080, or a free port if taken).",
      converter = ServeCommand.HostPortConverter.class)
  HostPort listen;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Keep the archive, the key and the mirror here (default: a temporary folder,"
              + " removed on exit).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path work =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("repomirror-demo-");
    out.println("repomirror demo, in " + work);
    Path keyring = sampleArchive(work, out);
    RepoServer upstream =
        start(work.resolve("upstream"), new HostPort("127.0.0.1", 0), AccessLogTarget.OFF);
    String upstreamUrl = url(upstream.address()) + "/";
    out.println("2. Served as the upstream on " + upstreamUrl);
    Path mirror = work.resolve("mirror");
    int code = sync(mirror, upstreamUrl, keyring, out);
    if (code != ExitCodes.OK) {
      upstream.close();
      spec.commandLine().getErr().println("demo: the sync failed (exit " + code + "); see above");
      return ExitCodes.PROBLEMS;
    }
    RepoServer served = serveMirror(mirror, out);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(served, upstream, work, out), "demo-shutdown"));
    howToUse(url(served.address()), keyring, out);
    served.awaitClose();
    return ExitCodes.OK;
  }

  /** Signs and writes the sample archive; returns its public keyring. */
  private static Path sampleArchive(Path work, PrintWriter out) throws IOException {
    Path upstreamRoot = work.resolve("upstream");
    Path keyring = work.resolve("archive-keyring.gpg");
    SigningKey key = SigningKey.generateRsa("repomirror demo archive <demo@repomirror.invalid>");
    key.writePublicKeyring(keyring);
    SampleArchive.write(upstreamRoot, key);
    out.println();
    out.println("1. A signed sample archive in " + upstreamRoot + ", its key in " + keyring + ":");
    out.println("   " + SampleArchive.MODERN + ": InRelease, Release.gpg, SHA-256, by-hash");
    out.println("   " + SampleArchive.LEGACY + ": MD5-only Release and Release.gpg, as on Maemo");
    return keyring;
  }

  /** The real sync command, as a user would type it; returns its exit code. */
  private int sync(Path mirror, String upstreamUrl, Path keyring, PrintWriter out) {
    List<String> sync =
        List.of(
            "sync",
            "--root",
            mirror.toString(),
            "--upstream",
            upstreamUrl,
            "--dist",
            SampleArchive.MODERN,
            "--dist",
            SampleArchive.LEGACY,
            "--keyring",
            keyring.toString());
    out.println("3. Synced into " + mirror + ", every file verified against the signatures:");
    out.println("   $ repomirror " + String.join(" ", sync));
    out.flush();
    return Main.run(sync.toArray(String[]::new), out, spec.commandLine().getErr());
  }

  private static void howToUse(String url, Path keyring, PrintWriter out) {
    out.println("4. The mirror is served on " + url + "/");
    out.println();
    out.println("Point apt at it, in a sources.list:");
    out.println("  deb [signed-by=" + keyring + "] " + url + "/ stable main");
    out.println("and on a Maemo device (apt 0.5/0.7, with the archive's key in its keyring):");
    out.println("  deb " + url + "/maemo fremantle free non-free");
    out.println(
        "This machine's apt reads that legacy suite too, given the key, as armel, and told");
    out.println("that its Release has MD5 sums only:");
    out.println("  deb [signed-by=" + keyring + "] " + url + "/maemo fremantle free non-free");
    out.println("  " + LEGACY_APT + " update");
    out.println("  (and --allow-unauthenticated to download its packages)");
    out.println();
    out.println("Try: curl -sI " + url + "/dists/stable/InRelease");
    out.println(
        "Then the real thing: README.md, \"Mirroring a repository\". Ctrl-C stops the demo.");
    out.flush();
  }

  /** How apt 2.x reads a Maemo suite: armel, an MD5-only Release, each file checked by MD5. */
  static final String LEGACY_APT =
      "apt-get -o APT::Architecture=armel -o Acquire::AllowWeakRepositories=true"
          + " -o Acquire::ForceHash=MD5Sum";

  /** On Ctrl-C: both servers stopped, and what the demo made removed unless --dir kept it. */
  private void stop(RepoServer served, RepoServer upstream, Path work, PrintWriter out) {
    served.close();
    upstream.close();
    if (dir == null) deleteTree(work);
    out.println(
        "repomirror demo: stopped" + (dir == null ? "; removed " + work : "; kept " + work));
    out.flush();
  }

  /** The mirror's server: on --listen, or where the default is taken, on a free port. */
  private RepoServer serveMirror(Path mirror, PrintWriter out) throws IOException {
    try {
      return start(mirror, listen != null ? listen : DEFAULT_LISTEN, AccessLogTarget.STDOUT);
    } catch (IOException e) {
      if (listen != null) throw e;
      out.println("   (" + e.getMessage() + "; serving on a free port instead)");
      return start(mirror, new HostPort(DEFAULT_LISTEN.host(), 0), AccessLogTarget.STDOUT);
    }
  }

  static RepoServer start(Path root, HostPort at, AccessLogTarget accessLog) throws IOException {
    ServerConfig config =
        new ServerConfig(
            root,
            at,
            new HostPort("127.0.0.1", 0),
            1,
            null,
            null,
            null,
            null,
            null,
            null,
            accessLog,
            null,
            null,
            null,
            null);
    return RepoServer.start(config);
  }

  private static String url(InetSocketAddress a) {
    return "http://" + new HostPort(a.getHostString(), a.getPort());
  }

  private static void deleteTree(Path top) {
    try (Stream<Path> walk = Files.walk(top)) {
      List<Path> deepestFirst = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
      for (Path p : deepestFirst) Files.deleteIfExists(p);
    } catch (IOException | UncheckedIOException e) {
      System.err.println("demo: could not remove " + top + ": " + e.getMessage());
    }
  }
}
