package org.repomirror.config;

/**
 * A listen address: a host name or IP literal plus a TCP port. Written {@code host:port}, {@code
 * [v6]:port} or {@code :port} (all interfaces).
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isEmpty()) {
      throw new InvalidValueException(null, "host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidValueException(null, "port must be 0..65535, got " + port);
    }
  }

  /**
   * Parses {@code host:port}, {@code [::1]:port} or {@code :port}.
   *
   * @throws InvalidValueException when the text is not such an address
   */
  public static HostPort parse(String text) {
    String s = text.strip();
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw new InvalidValueException(null, "expected HOST:PORT, got '" + text + "'");
    }
    String host = s.substring(0, colon);
    String portText = s.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new InvalidValueException(
          null, "write IPv6 addresses as [addr]:port, got '" + text + "'");
    }
    if (host.isEmpty()) {
      host = "0.0.0.0";
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new InvalidValueException(null, "expected HOST:PORT, got '" + text + "'");
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
