package dev.switchboard.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which hosts workers added at runtime (worker API) may have: CIDR blocks for IP literals ({@code 10.0.0.0/8},
 * {@code ::1/128}) and host names, exact or with a leading wildcard ({@code *.svc.cluster.local}). Names are not
 * resolved: a name matches only name entries, an address only CIDR entries. An empty list admits every host.
 */
public final class WorkerAllowlist {
  public static final WorkerAllowlist ANY = new WorkerAllowlist(List.of(), List.of(), List.of());
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private record Cidr(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) return false;
      int full = bits / 8;
      for (int i = 0; i < full; i++) if (address[i] != network[i]) return false;
      int rest = bits % 8;
      if (rest == 0) return true;
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<String> entries;
  private final List<Cidr> cidrs;
  private final List<String> names;

  private WorkerAllowlist(List<String> entries, List<Cidr> cidrs, List<String> names) {
    this.entries = entries;
    this.cidrs = cidrs;
    this.names = names;
  }

  /** Parses the entries; an {@link IllegalArgumentException} names the bad one. */
  public static WorkerAllowlist of(List<String> entries) {
    List<Cidr> cidrs = new java.util.ArrayList<>();
    List<String> names = new java.util.ArrayList<>();
    for (String raw : entries) {
      String e = raw.strip().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) throw new IllegalArgumentException("entries must not be empty");
      if (e.contains("/")) {
        cidrs.add(cidr(e));
      } else if (isAddress(e)) {
        byte[] a = address(e);
        cidrs.add(new Cidr(a, a.length * 8));
      } else {
        String name = e.startsWith("*.") ? e.substring(1) : e;
        if (!name.matches("\\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
          throw new IllegalArgumentException("'" + raw + "' is neither a CIDR block, an IP address nor a host name (a leading '*.' is allowed)");
        }
        names.add(e);
      }
    }
    return new WorkerAllowlist(List.copyOf(entries), List.copyOf(cidrs), List.copyOf(names));
  }

  private static Cidr cidr(String e) {
    int slash = e.indexOf('/');
    String addr = e.substring(0, slash);
    if (!isAddress(addr)) throw new IllegalArgumentException("'" + e + "': '" + addr + "' is not an IP address");
    byte[] a = address(addr);
    int bits;
    try {
      bits = Integer.parseInt(e.substring(slash + 1));
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException("'" + e + "': the prefix length is not a number");
    }
    if (bits < 0 || bits > a.length * 8) throw new IllegalArgumentException("'" + e + "': the prefix length must be 0.." + a.length * 8);
    return new Cidr(a, bits);
  }

  private static boolean isAddress(String s) {
    return IPV4.matcher(s).matches() || s.contains(":");
  }

  /** An IP literal's bytes; never a DNS lookup (only literals reach here). */
  private static byte[] address(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + literal + "' is not an IP address");
    }
  }

  /** Whether a worker URL's host (as {@link java.net.URI#getHost()} gives it) is admitted. */
  public boolean admits(String host) {
    if (entries.isEmpty()) return true;
    if (host == null || host.isEmpty()) return false;
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    if (isAddress(h)) {
      byte[] a;
      try {
        a = address(h);
      } catch (IllegalArgumentException e) {
        return false;
      }
      for (Cidr c : cidrs) if (c.contains(a)) return true;
      return false;
    }
    for (String n : names) {
      if (n.startsWith("*.") ? h.endsWith(n.substring(1)) && h.length() > n.length() - 1 : h.equals(n)) return true;
    }
    return false;
  }

  public boolean isEmpty() { return entries.isEmpty(); }

  public List<String> entries() { return entries; }

  @Override
  public boolean equals(Object o) { return o instanceof WorkerAllowlist w && w.entries.equals(entries); }

  @Override
  public int hashCode() { return entries.hashCode(); }

  @Override
  public String toString() { return entries.toString(); }
}
