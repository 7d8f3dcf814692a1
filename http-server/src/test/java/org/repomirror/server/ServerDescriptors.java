package org.repomirror.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The open file descriptors of a server that runs in this JVM, told apart from those of the test's
 * own clients: a socket whose remote port is the server's is a client's end and is not counted.
 * Sockets are matched to their ports through {@code /proc/net/tcp} and {@code /proc/net/tcp6}.
 *
 * @param total every descriptor of this process except the clients' ends
 * @param connections the server's ends of its connections (sockets on its port, not listening)
 */
record ServerDescriptors(long total, long connections) {
  private static final String LISTEN = "0A";

  private record Socket(int localPort, int remotePort, String state) {}

  static ServerDescriptors count(int port) throws IOException {
    Map<String, Socket> sockets = new HashMap<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        sockets.put(f[9], new Socket(port(f[1]), port(f[2]), f[3]));
      }
    }
    long total = 0;
    long connections = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (NoSuchFileException closedMeanwhile) {
          continue;
        }
        Socket s =
            target.startsWith("socket:[")
                ? sockets.get(target.substring(8, target.length() - 1))
                : null;
        if (s != null && s.remotePort() == port) continue; // a client's end
        total++;
        if (s != null && s.localPort() == port && !s.state().equals(LISTEN)) connections++;
      }
    }
    return new ServerDescriptors(total, connections);
  }

  /** Counts until {@code done} holds or {@code max} has passed, and returns the last count. */
  static ServerDescriptors await(int port, Predicate<ServerDescriptors> done, Duration max)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    ServerDescriptors d = count(port);
    while (!done.test(d) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      d = count(port);
    }
    return d;
  }

  private static int port(String hexAddress) {
    return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
  }
}
