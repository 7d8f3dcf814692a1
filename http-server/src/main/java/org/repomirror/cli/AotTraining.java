package org.repomirror.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.repomirror.config.AccessLogTarget;
import org.repomirror.config.HostPort;
import org.repomirror.sample.SampleRepository;
import org.repomirror.sample.SigningKey;
import org.repomirror.server.RepoServer;

/**
 * The run the build trains the JDK's AOT cache on ({@code -XX:AOTCacheOutput}, JDK 25 and later):
 * the commands a user runs, on a generated archive of a few thousand small packages, in one JVM.
 * The cache then holds the classes they loaded, linked ahead of time, so that a run with little to
 * do is not mostly the JVM loading itself. The build records no method profiles: replayed, they
 * made the JIT compile eagerly at every start. It never runs on a user's archive or at a user's
 * first run: the launcher's build runs it (docs/DESIGN.md, "A warm start").
 *
 * <p>Every command must end as it should; one that does not stops the training, and the cache holds
 * what ran before it.
 */
public final class AotTraining {
  /** Enough packages that a sync's per-file paths all run, as in a real archive. */
  static final int PACKAGES = 3_000;

  private static final String MODERN = "dists/stable";
  private static final String LEGACY = "maemo/dists/fremantle";

  /** Every command line run, in order. */
  private final List<List<String>> ran = new ArrayList<>();

  private AotTraining() {}

  /**
   * @param args optionally, how many packages the generated suite has (default {@value #PACKAGES})
   */
  public static void main(String[] args) throws Exception {
    try {
      train(args.length > 0 ? Integer.parseInt(args[0]) : PACKAGES);
    } catch (Exception e) {
      // The cache is still made, of what ran: a machine where the training cannot finish (a full
      // /tmp, say) gets a slower start, not a failed build. AotTrainingTest keeps it whole.
      System.err.println("AOT training stopped early, the cache holds what ran before: " + e);
    }
    String jdkFile = System.getProperty("repomirror.aot.jdk");
    if (jdkFile != null) Files.writeString(Path.of(jdkFile), jdk());
  }

  /**
   * The JDK this training ran on, as its {@code release} file says it: a cache made by one JDK is
   * refused by another, and a JVM given a cache it refuses starts with no class data shared at all,
   * so the launcher compares this with the JDK it runs before it names the cache.
   */
  static String jdk() {
    return "IMPLEMENTOR=\""
        + System.getProperty("java.vendor")
        + "\"\nJAVA_RUNTIME_VERSION=\""
        + System.getProperty("java.runtime.version")
        + "\"\n";
  }

  /**
   * Runs the training in a temporary folder, removed after.
   *
   * @return every command line run, in order
   */
  static List<List<String>> train(int packages) throws Exception {
    Path work = Files.createTempDirectory("repomirror-aot-training-");
    try {
      AotTraining training = new AotTraining();
      training.train(work, packages);
      return training.ran;
    } finally {
      deleteTree(work);
    }
  }

  private void train(Path work, int packages) throws Exception {
    Path upstream = work.resolve("upstream");
    Path keyring = work.resolve("keyring.gpg");
    writeArchive(upstream, keyring, packages);
    try (Server upstreamServer = Server.on(upstream)) {
      String url = upstreamServer.url();
      Path mirror = work.resolve("mirror");
      List<String> sync =
          List.of(
              "sync",
              "--root",
              mirror.toString(),
              "--upstream",
              url,
              "--dist",
              MODERN,
              "--dist",
              LEGACY,
              "--keyring",
              keyring.toString(),
              "--hostname",
              "training");
      run(plan(sync));
      run(sync); // the first sync: everything fetched
      run(sync); // nothing changed: one conditional request a suite, a stat a file
      run(concat(sync, "--final"));
      run("status", "--root", mirror.toString());
      run("verify", "--root", mirror.toString(), "--full", "--keyring", keyring.toString());

      List<String> treeSync = treeSync("file://" + upstream, work.resolve("tree"));
      run(treeSync); // the initial copy of a tree
      run(treeSync); // no change: folders proven, a stat a file upstream
      touchEveryHundredth(upstream);
      run(treeSync); // 1 % changed

      try (Server mirrorServer = Server.on(mirror)) {
        List<String> fromPeer = treeSync(mirrorServer.url(), work.resolve("peer"));
        run(fromPeer); // a peer's manifest, and the server answering many small requests
        run(fromPeer); // the peer's manifest unchanged: a 304
      }
    }
  }

  /** A modern suite of small packages in two components, and a legacy suite a tenth its size. */
  private static void writeArchive(Path upstream, Path keyring, int packages) throws IOException {
    SigningKey key =
        SigningKey.generateRsa("repomirror AOT training <training@repomirror.invalid>");
    key.writePublicKeyring(keyring);
    SampleRepository modern =
        SampleRepository.modern(upstream, "stable")
            .components("main", "contrib")
            .architectures("amd64", "arm64")
            .signedBy(key);
    for (int i = 0; i < packages; i++) {
      String arch = i % 3 == 0 ? "all" : i % 3 == 1 ? "amd64" : "arm64";
      modern.add("pkg" + i, "1." + i + "-1", arch, i % 4 == 0 ? "contrib" : "main", 64 + i % 512);
    }
    modern.write();
    SampleRepository legacy =
        SampleRepository.legacy(upstream.resolve("maemo"), "fremantle")
            .components("free", "non-free")
            .architectures("armel")
            .signedBy(key);
    for (int i = 0; i < Math.max(1, packages / 10); i++) {
      legacy.add("maemo" + i, "0." + i + "-1maemo1", "armel", i % 2 == 0 ? "free" : "non-free", 64);
    }
    legacy.write();
  }

  /** New bytes and a new mtime for one file in a hundred of the pool. */
  private static void touchEveryHundredth(Path upstream) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(upstream.resolve("pool"))) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    FileTime later = FileTime.from(Instant.now().minusSeconds(60));
    for (int i = 0; i < files.size(); i += 100) {
      Files.write(files.get(i), ("changed " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      Files.setLastModifiedTime(files.get(i), later);
    }
  }

  /** A tree sync from an upstream (a folder's URL or a server's) into a root. */
  private static List<String> treeSync(String upstream, Path root) {
    return List.of(
        "sync",
        "--mode",
        "tree",
        "--upstream",
        upstream,
        "--root",
        root.toString(),
        "--hostname",
        "training");
  }

  /** The plan of a sync: its command line, with plan in place of sync. */
  private static List<String> plan(List<String> sync) {
    List<String> plan = new ArrayList<>(sync);
    plan.set(0, "plan");
    return plan;
  }

  private static List<String> concat(List<String> args, String more) {
    List<String> all = new ArrayList<>(args);
    all.add(more);
    return all;
  }

  private void run(String... args) {
    run(List.of(args));
  }

  /** Runs one command line as a user would; anything but exit code 0 stops the training. */
  private void run(List<String> args) {
    ran.add(args);
    StringWriter output = new StringWriter();
    try (PrintWriter out = new PrintWriter(output)) {
      int code = Main.run(args.toArray(String[]::new), out, out);
      if (code != ExitCodes.OK) {
        throw new IllegalStateException(
            "AOT training: repomirror "
                + String.join(" ", args)
                + " ended with exit code "
                + code
                + ":\n"
                + output);
      }
    }
  }

  /** A server on loopback over a folder, as {@code repomirror serve} runs it. */
  private record Server(RepoServer server) implements AutoCloseable {
    static Server on(Path root) throws IOException {
      return new Server(DemoCommand.start(root, new HostPort("127.0.0.1", 0), AccessLogTarget.OFF));
    }

    String url() {
      InetSocketAddress a = server.address();
      return "http://" + new HostPort(a.getHostString(), a.getPort()) + "/";
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private static void deleteTree(Path top) throws IOException {
    try (Stream<Path> walk = Files.walk(top)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
