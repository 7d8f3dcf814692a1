package org.repomirror.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.repomirror.config.ConfigException;
import org.repomirror.config.ConfigLoader;
import org.repomirror.config.HostPort;
import org.repomirror.config.InvalidValueException;
import org.repomirror.config.RepomirrorConfig;
import org.repomirror.config.ServerConfig;
import org.repomirror.config.StoreConfig;
import org.repomirror.fs.IoErrors;
import org.repomirror.server.RepoServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code repomirror serve}: serves a repository tree over HTTP until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    header = "Serve a repository tree over HTTP to apt clients, old and new.",
    mixinStandardHelpOptions = true,
    headerHeading = "%n",
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Each client gets every file of a suite from the generation of the Release it fetched, however many syncs publish meanwhile, so that legacy apt never sees a hash sum mismatch. Stops gracefully on SIGTERM or SIGINT: in-flight responses finish within shutdown-timeout.",
      "",
      "Exit codes: 0 stopped, 1 could not start (a listener cannot bind, TLS files unreadable), 2 usage or config."
    })
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "The tree to serve; with --store, this node's cache of the store's objects.")
  Path root;

  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "Serve what a sync published into an S3-compatible object store, s3://BUCKET[/PREFIX]."
              + " Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
  URI store;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description = "The object store's URL, e.g. http://127.0.0.1:7480 (absent for AWS itself).")
  URI s3Endpoint;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Public listener (default: 0.0.0.0:8080, or the config file's).",
      converter = HostPortConverter.class)
  HostPort listen;

  @Option(
      names = "--admin-listen",
      paramLabel = "HOST:PORT",
      description = "Listener for /health and /metrics (default: 127.0.0.1:9180).",
      converter = HostPortConverter.class)
  HostPort adminListen;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    RepomirrorConfig file;
    try {
      file = configFile != null ? ConfigLoader.load(configFile) : RepomirrorConfig.defaults();
      config = file.server().withOverrides(root, listen, adminListen, store(file.server()));
    } catch (ConfigException e) {
      return usageError(e.getMessage());
    } catch (InvalidValueException e) {
      return usageError(SyncFlags.option(e.key()) + ": " + e.getMessage());
    }
    if (config.root() == null) {
      return usageError("--root is required (or server.root in the config file)");
    }
    if (config.store() != null) return serveStore(config);
    if (!Files.exists(config.root())) {
      return usageError(
          "--root "
              + config.root()
              + " does not exist: sync a mirror into it first (repomirror sync --root "
              + config.root()
              + " --upstream URL --dist dists/SUITE --keyring FILE), or create it; repomirror"
              + " demo shows the whole job on a sample archive");
    }
    if (!Files.isDirectory(config.root())) {
      return usageError("--root " + config.root() + " is not a directory");
    }
    Optional<String> unreadable = unreadable(config.root());
    if (unreadable.isPresent()) {
      spec.commandLine().getErr().println("serve: cannot read --root " + unreadable.get());
      return ExitCodes.PROBLEMS;
    }
    RepoServer server;
    try {
      server = RepoServer.start(config, SyncMetrics.of(file, config.root(), Clock.systemUTC()));
    } catch (IOException e) {
      spec.commandLine().getErr().println("serve: " + e.getMessage());
      return ExitCodes.PROBLEMS;
    }
    boolean empty = isEmpty(config.root());
    Optional<SyncService> syncs = SyncService.open(config.root(), Main::runHanded);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  syncs.ifPresent(SyncService::close);
                  server.close();
                },
                "repomirror-shutdown"));
    if (empty) {
      // Logged, not printed: the server's own lines go to its log (JSON lines, if asked for).
      log.warn(
          "{} is empty: every request gets 404 until a sync publishes into it (repomirror sync"
              + " --root {} ...)",
          config.root(),
          config.root());
    }
    log.info(
        "serving {} on http{}://{} ({}), admin on http://{}",
        config.root().toAbsolutePath(),
        config.tls() != null ? "s" : "",
        hostPort(server.address()),
        server.usesEpoll() ? "epoll" : "nio",
        hostPort(server.adminAddress()));
    server.awaitClose();
    return ExitCodes.OK;
  }

  /** The store the options name, over the file's. */
  private StoreConfig store(ServerConfig file) {
    StoreConfig given = file.store();
    if (store == null && s3Endpoint == null) return given;
    if (store == null && given == null) {
      throw new InvalidValueException(
          "location", "--s3-endpoint needs --store s3://BUCKET[/PREFIX]");
    }
    return new StoreConfig(
        store != null ? store : given.location(),
        s3Endpoint != null ? s3Endpoint : given != null ? given.endpoint() : null,
        given != null ? given.region() : null,
        given != null && s3Endpoint == null ? given.pathStyle() : null,
        given != null ? given.credentialsFile() : null);
  }

  /** Serves from an object store, the root being this node's cache. */
  private int serveStore(ServerConfig config) throws IOException, InterruptedException {
    Files.createDirectories(config.root());
    RepoServer server;
    try {
      server = RepoServer.start(config);
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("serve: " + e.getMessage());
      return ExitCodes.PROBLEMS;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "repomirror-shutdown"));
    log.info(
        "serving {} on http{}://{} ({}), caching in {}, admin on http://{}",
        config.store().location(),
        config.tls() != null ? "s" : "",
        hostPort(server.address()),
        server.usesEpoll() ? "epoll" : "nio",
        config.root().toAbsolutePath(),
        hostPort(server.adminAddress()));
    server.awaitClose();
    return ExitCodes.OK;
  }

  /**
   * The tree and why the server cannot read it, in the kernel's words ({@code /srv/mirror:
   * Permission denied}); empty when it can list the folder and enter it.
   */
  static Optional<String> unreadable(Path root) {
    if (!Files.isReadable(root) || !Files.isExecutable(root)) {
      return Optional.of(
          root + ": Permission denied (serve runs as " + System.getProperty("user.name") + ")");
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      entries.iterator().hasNext();
      return Optional.empty();
    } catch (IOException | DirectoryIteratorException e) {
      return Optional.of(IoErrors.describe(e));
    }
  }

  private static boolean isEmpty(Path root) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      return !entries.iterator().hasNext();
    }
  }

  private static String hostPort(InetSocketAddress a) {
    return new HostPort(a.getHostString(), a.getPort()).toString();
  }

  private int usageError(String reason) {
    spec.commandLine().getErr().println("serve: " + reason);
    return ExitCodes.USAGE;
  }

  /** Converts HOST:PORT, so a bad address is a usage error that names the option. */
  static final class HostPortConverter implements CommandLine.ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      try {
        return HostPort.parse(value);
      } catch (InvalidValueException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
