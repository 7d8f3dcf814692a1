package org.repomirror.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A block of IP addresses, written {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a single address
 * ({@code 127.0.0.1}, a /32 or /128). Literals only: a host name is refused, never looked up.
 *
 * @param network the block's first address, with the bits past the prefix cleared
 * @param prefix how many leading bits an address must share with {@code network}
 */
public record Subnet(InetAddress network, int prefix) {

  public static Subnet parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    if (address.isEmpty() || !address.chars().allMatch(Subnet::literalChar)) {
      throw new InvalidValueException(
          null, "expected an IP address or ADDRESS/PREFIX, got '" + text + "'");
    }
    InetAddress network;
    try {
      network = InetAddress.getByName(address); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new InvalidValueException(null, "not an IP address: '" + text + "'");
    }
    int bits = network.getAddress().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new InvalidValueException(
            null, "prefix must be 0.." + bits + " for '" + address + "', got '" + text + "'");
      }
    }
    return new Subnet(masked(network, prefix), prefix);
  }

  /** Whether an address lies in the block; an IPv4 address is never in an IPv6 block. */
  public boolean contains(InetAddress a) {
    return a.getAddress().length == network.getAddress().length
        && masked(a, prefix).equals(network);
  }

  private static InetAddress masked(InetAddress a, int prefix) {
    byte[] b = a.getAddress();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.clamp(prefix - 8L * i, 0, 8);
      b[i] &= (byte) (0xff << (8 - keep));
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // cannot happen: b has a valid length
    }
  }

  private static boolean literalChar(int c) {
    return Character.digit(c, 16) >= 0 || c == '.' || c == ':';
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefix;
  }
}
