package org.repomirror.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP path on loopback to a server (the object store), that a test can cut and restore: cut, the
 * port refuses connections and those open are closed, as a store that stopped; restored, it
 * forwards again on the same port. It can cut itself once a number of bytes went towards the
 * server, so that a transfer breaks off in its middle.
 */
public final class TcpForwarder implements AutoCloseable {
  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong sent = new AtomicLong();
  private volatile long cutAfter = Long.MAX_VALUE;
  private volatile ServerSocket listener;

  private TcpForwarder(URI target, int port) {
    this.target = new InetSocketAddress(target.getHost(), target.getPort());
    this.port = port;
  }

  /** Forwards a free loopback port to the server a URL names. */
  public static TcpForwarder to(URI target) throws IOException {
    TcpForwarder f = new TcpForwarder(target, Nginx.freePort());
    f.restore();
    return f;
  }

  /** Where to reach the server through this path: the URL with this port. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Refuses new connections and closes those open. */
  public synchronized void cut() {
    ServerSocket l = listener;
    listener = null;
    try {
      if (l != null) l.close();
    } catch (IOException e) {
      // closed already
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closed already
      }
    }
    open.clear();
  }

  /** Cuts the path once this many more bytes went towards the server. */
  public void cutAfter(long bytes) {
    sent.set(0);
    cutAfter = bytes;
  }

  /** Forwards again, on the same port. */
  public synchronized void restore() throws IOException {
    if (listener != null) return;
    cutAfter = Long.MAX_VALUE;
    ServerSocket l = new ServerSocket();
    l.setReuseAddress(true);
    l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    listener = l;
    Thread.ofPlatform().daemon().name("forwarder-" + port).start(() -> accept(l));
  }

  private void accept(ServerSocket l) {
    while (!l.isClosed()) {
      try {
        Socket client = l.accept();
        Socket server = new Socket(target.getAddress(), target.getPort());
        open.add(client);
        open.add(server);
        Thread.ofPlatform().daemon().start(() -> pump(client, server, true));
        Thread.ofPlatform().daemon().start(() -> pump(server, client, false));
      } catch (IOException e) {
        return; // cut
      }
    }
  }

  private void pump(Socket from, Socket to, boolean towardsServer) {
    byte[] buf = new byte[16 << 10];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        if (towardsServer && sent.addAndGet(n) > cutAfter) {
          cut();
          return;
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // one side went away: the other goes too
    } finally {
      try {
        from.close();
        to.close();
      } catch (IOException e) {
        // closed already
      }
    }
  }

  @Override
  public void close() {
    cut();
  }
}
