package org.repomirror.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.repomirror.sync.MirrorLayout;

/**
 * The command's side of {@link SyncService}: a sync whose tree a {@code serve} runs for goes to
 * that server, which has its JVM warm, and the command relays what the sync prints and its exit
 * code. Stateless.
 */
final class SyncHandoff {
  private SyncHandoff() {}

  /**
   * Hands a sync to the server running for its tree.
   *
   * @param args the command line, from {@code sync} on
   * @return the sync's exit code; empty when no server takes syncs for the tree, or the server
   *     declines one whose credentials are not its own: the command runs it itself
   */
  static OptionalInt handOff(Path root, List<String> args, PrintWriter out, PrintWriter err) {
    Path socket = new MirrorLayout(root.toAbsolutePath()).serviceSocket();
    SocketChannel channel = connect(socket);
    if (channel == null) return OptionalInt.empty();
    try (channel) {
      HandoffProtocol.writeRequest(
          new DataOutputStream(Channels.newOutputStream(channel)),
          new HandoffProtocol.Request(
              Path.of("").toAbsolutePath(), args, HandoffProtocol.credentials(System.getenv())));
      return HandoffProtocol.relay(new DataInputStream(Channels.newInputStream(channel)), out, err);
    } catch (EOFException e) {
      err.println(
          "sync: the server of "
              + root
              + " stopped before the sync ended; the published tree is intact, and its log says"
              + " how far the sync went");
      return OptionalInt.of(ExitCodes.ABORTED);
    } catch (IOException e) {
      err.println("sync: lost the server of " + root + ": " + e.getMessage());
      return OptionalInt.of(ExitCodes.ABORTED);
    }
  }

  /** Whether a server listens at a socket. */
  static boolean answers(Path socket) {
    SocketChannel channel = connect(socket);
    if (channel == null) return false;
    try {
      channel.close();
    } catch (IOException e) {
      // Only asked whether it answers.
    }
    return true;
  }

  /** The server's socket, connected; null when there is none, or it is left by one that went. */
  private static SocketChannel connect(Path socket) {
    if (!Files.exists(socket)) return null;
    try {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
        return channel;
      } catch (IOException | RuntimeException e) {
        channel.close();
        return null;
      }
    } catch (IOException e) {
      return null;
    }
  }
}
