package org.repomirror.source;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;

/**
 * The client's default TLS, set up at the first connection that needs it. Setting it up loads the
 * JDK's trust store and the public suffix list, about a tenth of a second at every start, which a
 * sync from an {@code http://} upstream never uses. One serves both of an upstream's clients.
 */
final class LazyTls implements TlsStrategy, TlsSocketStrategy {
  private volatile DefaultClientTlsStrategy tls;

  private DefaultClientTlsStrategy tls() {
    DefaultClientTlsStrategy t = tls;
    if (t == null) {
      synchronized (this) {
        t = tls;
        if (t == null) tls = t = DefaultClientTlsStrategy.createDefault();
      }
    }
    return t;
  }

  @Override
  @Deprecated
  public boolean upgrade(
      TransportSecurityLayer sessionLayer,
      HttpHost host,
      SocketAddress localAddress,
      SocketAddress remoteAddress,
      Object attachment,
      Timeout handshakeTimeout) {
    return tls()
        .upgrade(sessionLayer, host, localAddress, remoteAddress, attachment, handshakeTimeout);
  }

  @Override
  public void upgrade(
      TransportSecurityLayer sessionLayer,
      NamedEndpoint endpoint,
      Object attachment,
      Timeout handshakeTimeout,
      FutureCallback<TransportSecurityLayer> callback) {
    tls().upgrade(sessionLayer, endpoint, attachment, handshakeTimeout, callback);
  }

  @Override
  public SSLSocket upgrade(
      Socket socket, String target, int port, Object attachment, HttpContext context)
      throws IOException {
    return tls().upgrade(socket, target, port, attachment, context);
  }
}
