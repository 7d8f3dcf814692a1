package org.repomirror.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx on loopback: serving a folder with autoindex on (and gzip on, as Debian ships it),
 * as old archive hosts are often served, or as a caching proxy in front of an origin. Serving a
 * folder, its workers run as an unprivileged user, so a file only root may read answers 403, and a
 * dangling link is listed and then answers 404. Folders are always listed (an {@code index.html} is
 * served as a file, not in place of the listing), as on a host set up to be mirrored. Outside CI a
 * machine without nginx skips the test; on CI ({@code CI=true}) that is a failure.
 */
public final class Nginx implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/sbin/nginx");

  private final Path prefix;
  private final List<Integer> ports;
  private final Process master;

  private Nginx(Path prefix, List<Integer> ports, Process master) {
    this.prefix = prefix;
    this.ports = ports;
    this.master = master;
  }

  /**
   * Serves {@code root}; the folders above it are opened to the worker user so that it can reach it
   * (a JUnit temp folder is private to root).
   *
   * @param work a folder for nginx's configuration, logs and pid
   */
  public static Nginx serve(Path root, Path work) throws IOException, InterruptedException {
    return serve(root, work, "");
  }

  /**
   * Serves {@code root} as {@link #serve(Path, Path)} does, with further directives for its server
   * block, e.g. {@code keepalive_requests 7;}.
   */
  public static Nginx serve(Path root, Path work, String directives)
      throws IOException, InterruptedException {
    requireNginx();
    openToWorkers(root);
    int port = freePort();
    return start(
        work,
        List.of(port),
        """
          server {
            listen 127.0.0.1:%d;
            root %s;
            # A host set up for mirroring lists every folder, even one holding an index.html.
            index .no-index-page;
            autoindex on;
            autoindex_exact_size on;
            autoindex_localtime off;
            # HTML (the index pages) gzipped to a client that accepts it, as Debian's nginx.conf.
            gzip on;
            %s
          }
        """
            .formatted(port, root.toAbsolutePath(), directives));
  }

  /**
   * A caching proxy in front of an origin, as a site puts nginx's {@code proxy_cache} before a
   * mirror: kept-alive connections to the origin shared by all clients, {@code X-Forwarded-For}
   * sent, what it holds revalidated with the origin's validators, and the origin's {@code
   * Cache-Control} obeyed unless {@code directives} say otherwise. Each response says in {@code
   * X-Cache} whether it came from the cache.
   *
   * <p>Every client on loopback comes from 127.0.0.1, so the cache listens on one port per client
   * ({@link #uri(int)}), and port {@code i} stands for a client at {@code 192.0.2.<i+1>}: it sends
   * that address as X-Forwarded-For, as a cache in front of real devices would send theirs.
   *
   * @param directives further directives for the proxied location, e.g. {@code proxy_ignore_headers
   *     Cache-Control; proxy_cache_valid 200 30s;} for a cache that keeps everything for a fixed
   *     time
   */
  public static Nginx cache(URI origin, Path work, int clients, String directives)
      throws IOException, InterruptedException {
    requireNginx();
    Path cache = Files.createDirectories(work.resolve("nginx-cache"));
    openToWorkers(cache);
    List<Integer> ports = new java.util.ArrayList<>();
    StringBuilder http =
        new StringBuilder(
            """
              proxy_cache_path %s levels=1:2 keys_zone=mirror:10m max_size=2g inactive=1h
                               use_temp_path=off;
              upstream origin {
                server %s:%d;
                keepalive 8;
              }
            """
                .formatted(cache, origin.getHost(), origin.getPort()));
    for (int i = 0; i < clients; i++) {
      int port = freePort();
      ports.add(port);
      http.append(
          """
            server {
              listen 127.0.0.1:%d;
              location / {
                proxy_pass http://origin;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For 192.0.2.%d;
                proxy_cache mirror;
                proxy_cache_revalidate on;
                proxy_cache_lock on;
                add_header X-Cache $upstream_cache_status;
                %s
              }
            }
          """
              .formatted(port, i + 1, directives));
    }
    return start(work, ports, http.toString());
  }

  /**
   * nginx as the load balancer in front of several server nodes, keeping each client on one node by
   * its address as {@code hash $remote_addr} does. Every client is a port of its own, with the
   * address {@code 192.0.2.<i+1>}: the key of the hash, and what the nodes are told in
   * X-Forwarded-For (all connections come from 127.0.0.1 here).
   */
  public static Nginx balance(List<URI> nodes, Path work, int clients)
      throws IOException, InterruptedException {
    requireNginx();
    List<Integer> ports = new java.util.ArrayList<>();
    StringBuilder http = new StringBuilder("  upstream nodes {\n    hash $client;\n");
    for (URI n : nodes) http.append("    server %s:%d;\n".formatted(n.getHost(), n.getPort()));
    http.append("    keepalive 8;\n  }\n");
    for (int i = 0; i < clients; i++) {
      int port = freePort();
      ports.add(port);
      http.append(
          """
            server {
              listen 127.0.0.1:%d;
              set $client 192.0.2.%d;
              location / {
                proxy_pass http://nodes;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $client;
              }
            }
          """
              .formatted(port, i + 1));
    }
    return start(work, ports, http.toString());
  }

  private static void requireNginx() {
    if (!Files.isExecutable(BINARY)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("nginx is not installed: .ci/run installs it");
      }
      Assumptions.abort("nginx is not installed (apt-get install nginx-light)");
    }
  }

  /** Opens a folder and those above it to nginx's unprivileged workers. */
  static void openToWorkers(Path dir) throws IOException {
    for (Path p = dir.toAbsolutePath(); p != null && p.getNameCount() > 0; p = p.getParent()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      if (perms.contains(PosixFilePermission.OTHERS_EXECUTE)) continue; // /tmp keeps its sticky bit
      perms.addAll(
          List.of(
              PosixFilePermission.GROUP_READ,
              PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_READ,
              PosixFilePermission.OTHERS_EXECUTE));
      Files.setPosixFilePermissions(p, perms);
    }
  }

  /** Starts nginx listening on {@code ports} with the given contents of its {@code http} block. */
  private static Nginx start(Path work, List<Integer> ports, String http)
      throws IOException, InterruptedException {
    Path prefix = Files.createDirectories(work.resolve("nginx"));
    openToWorkers(prefix);
    Files.writeString(
        prefix.resolve("nginx.conf"),
        """
        worker_processes 1;
        daemon off;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 512; }
        http {
          # The request, its status, whether it came pipelined behind another ("p"), its number on
          # its connection, and how much gzip shrank its body ("-" when not gzipped).
          log_format mirror '$request_uri $status $pipe $connection_requests $gzip_ratio';
          access_log %1$s/access.log mirror;
          sendfile on;
        %2$s
        }
        """
            .formatted(prefix, http));
    Process master =
        new ProcessBuilder(
                BINARY.toString(),
                "-p",
                prefix.toString(),
                "-c",
                prefix.resolve("nginx.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("stdout.log").toFile())
            .start();
    Nginx nginx = new Nginx(prefix, List.copyOf(ports), master);
    nginx.awaitListening();
    return nginx;
  }

  /** The first port's root URI. */
  public URI uri() {
    return uri(0);
  }

  /** The root URI of the {@code i}th port (a cache has one per client). */
  public URI uri(int i) {
    return URI.create("http://127.0.0.1:" + ports.get(i) + "/");
  }

  /**
   * The requests served so far, one line each: the URI, the status, {@code p} when it came
   * pipelined behind another or {@code .}, its number on its connection, and how much gzip shrank
   * its body or {@code -}.
   */
  public List<String> accessLog() throws IOException {
    Path log = prefix.resolve("access.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** What nginx wrote to its error log, for a failing test's message. */
  public String errorLog() throws IOException {
    Path log = prefix.resolve("error.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private void awaitListening() throws IOException, InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (!master.isAlive()) {
        throw new IOException("nginx exited: " + Files.readString(prefix.resolve("stdout.log")));
      }
      try (Socket s = new Socket("127.0.0.1", ports.getLast())) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("nginx does not listen on port " + ports.getLast() + " after 5 s");
  }

  /** A port nothing listens on at the moment. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    master.destroy();
    if (!master.waitFor(5, TimeUnit.SECONDS)) master.destroyForcibly().waitFor();
  }
}
