package org.repomirror.server;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import org.repomirror.config.Subnet;

/**
 * The caches and proxies in front of the server ({@code server.pinning.trusted-proxies}), and the
 * client each of their requests is for. Only a trusted proxy's {@code X-Forwarded-For} is read: a
 * client that sends one itself is pinned by its own address.
 */
final class TrustedProxies {
  static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Subnet> subnets;

  TrustedProxies(List<Subnet> subnets) {
    this.subnets = List.copyOf(subnets);
  }

  boolean trusts(InetAddress address) {
    for (Subnet s : subnets) {
      if (s.contains(address)) return true;
    }
    return false;
  }

  /**
   * The client a trusted proxy's request is for: walking {@code X-Forwarded-For} from its end (the
   * entry the nearest proxy added), the first address that is not itself a trusted proxy. The walk
   * stops at an entry that is not an IP address; with no usable entry, the proxy itself is the
   * client.
   *
   * @param forwardedFor the header's values joined by commas, or null
   */
  InetAddress client(InetAddress proxy, String forwardedFor) {
    if (forwardedFor == null) return proxy;
    InetAddress client = proxy;
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      InetAddress hop = literal(hops[i].strip());
      if (hop == null) break;
      client = hop;
      if (!trusts(hop)) break;
    }
    return client;
  }

  private static InetAddress literal(String s) {
    String bare = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    return NetUtil.createInetAddressFromIpAddressString(bare);
  }
}
