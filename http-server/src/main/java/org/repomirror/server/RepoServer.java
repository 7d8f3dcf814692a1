package org.repomirror.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.repomirror.config.HostPort;
import org.repomirror.config.PinningConfig;
import org.repomirror.config.ServerConfig;
import org.repomirror.http.CachePolicy;
import org.repomirror.store.ServedTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: the public listener and the admin listener on one set of event loops. {@link
 * #close()} shuts down gracefully: it stops accepting, lets in-flight responses finish within the
 * shutdown timeout, then closes what is left. Thread-safe.
 */
public final class RepoServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RepoServer.class);

  private final ServerConfig config;
  private final boolean epoll = Epoll.isAvailable();
  private final EventLoopGroup group;

  /** Where the admin listener's handler runs: reading the sync's metrics blocks. */
  private final EventExecutorGroup adminExecutor = new DefaultEventExecutorGroup(1);

  private final ChannelGroup connections =
      new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
  private final ConnectionLimiter limiter;
  private final ServerMetrics metrics;
  private final Channel publicChannel;
  private final Channel adminChannel;
  private final AccessLog accessLog;

  /**
   * Objects brought from an object store at once: each connection waits for its own while the event
   * loops move the bytes of the others.
   */
  private static final int FETCHING_THREADS = 32;

  /** What is served, closed with the server (an object store's client). */
  private final ServedTree tree;

  /** Where what the tree must bring from the network is brought; null for a tree on disk. */
  private final ExecutorService fetching;

  /** The descriptors of files sent by sendfile, held open between requests. */
  private final OpenFiles openFiles = new OpenFiles();

  private volatile boolean draining;

  private static GenerationPinning pinning(ServerConfig config, ServedTree tree) {
    PinningConfig p = config.pinning();
    return new GenerationPinning(
        tree,
        new PinTable(p.window(), p.tableSize(), p.maxAge(), Ticker.systemTicker()),
        p.enabled(),
        new TrustedProxies(p.trustedProxies()));
  }

  private RepoServer(ServerConfig config, AccessLog accessLog, MetricsWriter moreMetrics)
      throws IOException {
    if (config.root() == null) {
      throw new IllegalArgumentException("no root to serve");
    }
    this.config = config;
    this.accessLog = accessLog;
    SslContext ssl = config.tls() == null ? null : sslContext(config);
    ServedTree tree =
        config.store() != null
            ? ServedTree.inStore(
                config.store(), config.root(), config.storeCache().bytes(), System::nanoTime)
            : ServedTree.local(config.root(), System::nanoTime);
    this.tree = tree;
    this.fetching = tree.waitsOnNetwork() ? fetchingThreads() : null;
    this.limiter = new ConnectionLimiter(config.maxConnections(), connections);
    this.metrics = new ServerMetrics(limiter);
    GenerationPinning pinning = pinning(config, tree);
    metrics.pinning(pinning);
    if (tree.waitsOnNetwork()) metrics.store(tree);
    FileHandler.Site site =
        new FileHandler.Site(
            tree,
            new SmallFileCache(config.smallFileCache().bytes()),
            openFiles,
            new ResponseHeads(),
            new CachePolicy(config.metadataMaxAge(), config.pinning().enabled()),
            pinning,
            metrics,
            accessLog,
            fetching);
    this.group =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads(), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    try {
      this.publicChannel =
          bind(
              new ServerBootstrap()
                  .option(ChannelOption.SO_BACKLOG, 4096)
                  .childOption(ChannelOption.TCP_NODELAY, true)
                  .childOption(ChannelOption.AUTO_READ, false)
                  .childHandler(new ServerInitializer(config, site, limiter, ssl, () -> draining)),
              config.listen(),
              "the public listener, --listen or server.listen");
      AdminHandler admin = new AdminHandler(metrics, moreMetrics);
      this.adminChannel =
          bind(
              new ServerBootstrap()
                  .childHandler(
                      new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                          ch.pipeline()
                              .addLast(new HttpServerCodec())
                              .addLast(new HttpObjectAggregator(8192))
                              .addLast(adminExecutor, admin);
                        }
                      }),
              config.adminListen(),
              "the admin listener, --admin-listen or server.admin-listen");
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      adminExecutor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (fetching != null) fetching.shutdownNow();
      openFiles.close();
      tree.close();
      accessLog.close();
      throw e;
    }
  }

  /** Starts serving {@code config.root()} with the access log the configuration names. */
  public static RepoServer start(ServerConfig config) throws IOException {
    return start(config, MetricsWriter.NONE);
  }

  /**
   * Starts serving {@code config.root()} with the access log the configuration names, and more
   * metrics after the server's own on {@code /metrics}.
   */
  public static RepoServer start(ServerConfig config, MetricsWriter moreMetrics)
      throws IOException {
    return new RepoServer(config, LogbackAccessLog.create(config.accessLog()), moreMetrics);
  }

  /**
   * Starts serving {@code config.root()}.
   *
   * @throws IOException if the root is not a directory, TLS files cannot be read, or a listener
   *     cannot bind
   */
  public static RepoServer start(ServerConfig config, AccessLog accessLog) throws IOException {
    return new RepoServer(config, accessLog, MetricsWriter.NONE);
  }

  /** Starts serving {@code config.root()}, with more metrics on {@code /metrics} (tests). */
  public static RepoServer start(
      ServerConfig config, AccessLog accessLog, MetricsWriter moreMetrics) throws IOException {
    return new RepoServer(config, accessLog, moreMetrics);
  }

  private static ExecutorService fetchingThreads() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        FETCHING_THREADS,
        r -> {
          Thread t = new Thread(r, "store-fetch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Why a bind failed, in words: the kernel's, not the native call's {@code error(-98)}. */
  private static String bindFailure(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    if (message.contains("Address already in use"))
      return "the address is in use, by another server?";
    if (message.contains("Cannot assign requested address")) {
      return "no interface of this machine has that address";
    }
    if (message.contains("Permission denied")) {
      return "a port below 1024 needs the capability CAP_NET_BIND_SERVICE (docs/OPERATIONS.md,"
          + " \"Port 80\")";
    }
    return message.replaceFirst("^bind\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
  }

  /**
   * @param listener which listener it is and how it is set, for the message when it cannot bind
   */
  private Channel bind(ServerBootstrap bootstrap, HostPort address, String listener)
      throws IOException {
    Class<? extends ServerChannel> type =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    var future =
        bootstrap
            .group(group)
            .channel(type)
            .option(ChannelOption.SO_REUSEADDR, true)
            .bind(address.host(), address.port())
            .awaitUninterruptibly();
    if (!future.isSuccess()) {
      throw new IOException(
          "cannot listen on " + address + " (" + listener + "): " + bindFailure(future.cause()));
    }
    return future.channel();
  }

  private static SslContext sslContext(ServerConfig config) throws IOException {
    try {
      return SslContextBuilder.forServer(
              config.tls().certificate().toFile(), config.tls().privateKey().toFile())
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_2,
                  ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (IllegalArgumentException | SSLException e) {
      throw new IOException("cannot load the TLS certificate or key: " + e.getMessage(), e);
    }
  }

  /** The bound public address; its port is the real one when the configuration said 0. */
  public InetSocketAddress address() {
    return (InetSocketAddress) publicChannel.localAddress();
  }

  /** The bound admin address. */
  public InetSocketAddress adminAddress() {
    return (InetSocketAddress) adminChannel.localAddress();
  }

  /** Whether the native epoll transport is in use (else NIO). */
  public boolean usesEpoll() {
    return epoll;
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  /** Blocks until the public listener is closed. */
  public void awaitClose() throws InterruptedException {
    publicChannel.closeFuture().await();
  }

  @Override
  public synchronized void close() {
    if (draining) return;
    draining = true;
    publicChannel.close().syncUninterruptibly();
    adminChannel.close().syncUninterruptibly();
    int open = connections.size();
    for (Channel ch : connections) {
      ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(FileHandler.DRAIN));
    }
    boolean drained =
        connections
            .newCloseFuture()
            .awaitUninterruptibly(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    if (!drained) {
      log.warn("shutdown timeout: closing {} connections mid-response", connections.size());
      connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    adminExecutor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    accessLog.close();
    if (fetching != null) fetching.shutdownNow();
    openFiles.close();
    tree.close();
    log.info(
        "stopped serving {}: {} open connection(s) {}",
        config.root(),
        open,
        drained ? "finished their responses" : "closed at the shutdown timeout");
  }
}
