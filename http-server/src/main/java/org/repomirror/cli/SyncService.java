package org.repomirror.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.repomirror.fs.IoErrors;
import org.repomirror.sync.MirrorLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The syncs that {@code sync} hands to the {@code serve} running for its tree, run in the server's
 * JVM, which has already started, loaded its classes and compiled its hot code: one at a time, in
 * the order they came, each to its end even when the command that handed it is gone. Listens on the
 * tree's {@link MirrorLayout#serviceSocket()}, which only the server's user and root may use.
 * Thread-safe.
 */
final class SyncService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncService.class);

  /** How long a stop waits for the sync under way, past the stop it was asked for. */
  private static final long STOP_WAIT_SECONDS = 70;

  /** Runs a handed command line with its outputs; returns its exit code. */
  @FunctionalInterface
  interface Runner {
    int run(HandoffProtocol.Request request, PrintWriter out, PrintWriter err);
  }

  private final Path root;
  private final Path socket;
  private final ServerSocketChannel server;
  private final Runner runner;
  private final Map<String, String> environment;
  private final ExecutorService syncs =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "handed-sync"));
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean closing;
  private final Thread acceptor;

  private SyncService(
      Path root,
      Path socket,
      ServerSocketChannel server,
      Runner runner,
      Map<String, String> environment) {
    this.root = root;
    this.socket = socket;
    this.server = server;
    this.runner = runner;
    this.environment = environment;
    this.acceptor = new Thread(this::accept, "sync-service");
    acceptor.setDaemon(true);
  }

  /**
   * Takes syncs for a tree, unless another server already does or the socket cannot be made (a tree
   * the server may only read, a path too long for a socket): then the syncs run in their own
   * processes, as without a server, and the log says why once.
   */
  static Optional<SyncService> open(Path root, Runner runner) {
    return open(root, runner, System.getenv());
  }

  /**
   * @param environment the server's, which a handed sync runs with
   */
  static Optional<SyncService> open(Path root, Runner runner, Map<String, String> environment) {
    Path socket = new MirrorLayout(root.toAbsolutePath()).serviceSocket();
    if (!Files.isWritable(root)) {
      log.info("syncs of {} run in processes of their own: this server may not write it", root);
      return Optional.empty();
    }
    try {
      if (SyncHandoff.answers(socket)) {
        log.warn("another server takes the syncs of {} at {}: this one does not", root, socket);
        return Optional.empty();
      }
      Files.createDirectories(socket.getParent());
      Files.deleteIfExists(socket);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
      SyncService service = new SyncService(root, socket, server, runner, environment);
      service.acceptor.start();
      log.info("syncs of {} run in this server when handed to it at {}", root, socket);
      return Optional.of(service);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "syncs of {} run in processes of their own: cannot listen at {}: {}",
          root,
          socket,
          IoErrors.describe(e));
      return Optional.empty();
    }
  }

  private void accept() {
    while (server.isOpen()) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        log.warn("the sync socket {} failed: {}", socket, IoErrors.describe(e));
        return;
      }
      Thread.ofVirtual().name("handed-sync-request").start(() -> take(client));
    }
  }

  /** Reads a handed sync and queues it; the queue answers and closes the connection. */
  private void take(SocketChannel client) {
    Answer answer = new Answer(client);
    try {
      Optional<String> refused = refusal(client);
      HandoffProtocol.Request request =
          HandoffProtocol.readRequest(new DataInputStream(Channels.newInputStream(client)));
      if (refused.isPresent()) {
        answer.err("sync: " + refused.get() + "\n");
        answer.exit(ExitCodes.ABORTED);
        return;
      }
      Optional<String> mismatch = HandoffProtocol.mismatch(request, environment);
      if (mismatch.isPresent()) {
        log.info("declined a handed sync, which runs in its own process: {}", mismatch.get());
        answer.decline(mismatch.get());
        return;
      }
      String line =
          "sync: handed to the server of "
              + root
              + " (pid "
              + ProcessHandle.current().pid()
              + "), which runs it to its end even if this command stops; its progress comes every "
              + MirrorRun.HANDED_PROGRESS_SECONDS
              + " s, the server's log has the rest\n";
      if (waiting.getAndIncrement() > 0) {
        line += "sync: it waits for the sync the server is running\n";
      }
      answer.err(line);
      syncs.execute(() -> run(request, answer));
    } catch (RejectedExecutionException e) {
      waiting.decrementAndGet();
      answer.err("sync: the server is stopping; nothing was run\n");
      answer.exit(ExitCodes.ABORTED);
    } catch (IOException e) {
      log.warn("a handed sync could not be read: {}", IoErrors.describe(e));
      answer.close();
    }
  }

  private void run(HandoffProtocol.Request request, Answer answer) {
    if (closing) {
      waiting.decrementAndGet();
      answer.err("sync: the server stopped before it could run this sync; nothing was run\n");
      answer.exit(ExitCodes.ABORTED);
      return;
    }
    log.info("running a handed sync: {}", String.join(" ", request.args()));
    int code = ExitCodes.ABORTED;
    try (PrintWriter out = new PrintWriter(answer.writer(HandoffProtocol.OUT));
        PrintWriter err = new PrintWriter(answer.writer(HandoffProtocol.ERR))) {
      code = runner.run(request, out, err);
    } catch (RuntimeException e) {
      log.error("a handed sync failed", e);
      answer.err("sync: failed in the server: " + e + "\n");
    } finally {
      waiting.decrementAndGet();
      log.info("the handed sync ended with exit code {}", code);
      answer.exit(code);
    }
  }

  /** Why a peer may not hand syncs here: only the server's user and root may. */
  private static Optional<String> refusal(SocketChannel client) throws IOException {
    UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
    String user = peer.user().getName();
    String self = System.getProperty("user.name");
    if (user.equals(self) || user.equals("root")) return Optional.empty();
    return Optional.of(
        "the server runs as "
            + self
            + " and takes syncs from that user and root only, not from "
            + user
            + "; run the sync as one of them, or with --in-process");
  }

  /**
   * Stops taking syncs and removes the socket. A sync under way was asked to stop by the signal
   * that stops the server, and is waited for; those that wait behind it are told they did not run.
   */
  @Override
  public void close() {
    closing = true;
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", socket, IoErrors.describe(e));
    }
    syncs.shutdown();
    try {
      syncs.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The answer to one handed sync: frames on its connection, while the command is there to read
   * them. A command that went loses the rest of its answer, never its sync.
   */
  private static final class Answer {
    private final SocketChannel channel;
    private final DataOutputStream out;
    private boolean gone;

    Answer(SocketChannel channel) {
      this.channel = channel;
      this.out = new DataOutputStream(Channels.newOutputStream(channel));
    }

    synchronized void text(byte kind, String text) {
      if (gone) return;
      try {
        HandoffProtocol.writeText(out, kind, text);
      } catch (IOException e) {
        gone = true;
      }
    }

    void err(String text) {
      text(HandoffProtocol.ERR, text);
    }

    synchronized void decline(String why) {
      try {
        HandoffProtocol.writeDeclined(out, why);
      } catch (IOException e) {
        // The command went: it runs nothing either way.
      }
      close();
    }

    synchronized void exit(int code) {
      if (!gone) {
        try {
          HandoffProtocol.writeExit(out, code);
        } catch (IOException e) {
          gone = true;
        }
      }
      close();
    }

    synchronized void close() {
      gone = true;
      try {
        channel.close();
      } catch (IOException e) {
        // Closing a socket the command left.
      }
    }

    /** One of the command's outputs, as frames of whole characters. */
    Writer writer(byte kind) {
      return new Writer() {
        @Override
        public void write(char[] chars, int off, int len) {
          for (int at = off, end = off + len; at < end; ) {
            int n = Math.min(HandoffProtocol.MAX_CHARS, end - at);
            if (n < end - at && Character.isHighSurrogate(chars[at + n - 1])) n--;
            text(kind, new String(chars, at, n));
            at += n;
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
    }
  }
}
