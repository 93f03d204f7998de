package io.parley.bench.chaos;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The partition nemesis's network: each node in a Linux network namespace of its own, joined to a
 * bridge in the host's namespace by a veth pair. The host (this runner's load clients, and
 * Cassandra) has the bridge's address; a link between two nodes is cut with a blackhole route in
 * each of their namespaces, so their packets vanish as on a real partition (no reset, no error:
 * only the failure detector notices), while both still reach Cassandra and their clients.
 *
 * <p>Needs root and the {@code ip} tool (iproute2); {@link #available} says whether both are here.
 */
final class Netns implements AutoCloseable {
  static final String BRIDGE = "pchaos0";
  static final String HOST_ADDRESS = "10.77.0.1";
  private static final String PREFIX = "pchaos-";

  private final int nodes;
  private final List<int[]> cut = new ArrayList<>();

  private Netns(int nodes) {
    this.nodes = nodes;
  }

  /** Whether namespaces can be made here: null if so, else why not. */
  static String unavailable() {
    try {
      Shell.run("ip", "netns", "add", PREFIX + "probe");
      Shell.run("ip", "netns", "del", PREFIX + "probe");
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /** Makes the bridge and one namespace per node, removing any left by an earlier run. */
  static Netns create(int nodes) throws IOException {
    removeLeftovers();
    Netns net = new Netns(nodes);
    Shell.run("ip", "link", "add", BRIDGE, "type", "bridge");
    Shell.run("ip", "addr", "add", HOST_ADDRESS + "/24", "dev", BRIDGE);
    Shell.run("ip", "link", "set", BRIDGE, "up");
    for (int i = 0; i < nodes; i++) {
      String ns = PREFIX + i;
      String hostEnd = "pcv" + i;
      Shell.run("ip", "netns", "add", ns);
      Shell.run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", ns);
      Shell.run("ip", "link", "set", hostEnd, "master", BRIDGE);
      Shell.run("ip", "link", "set", hostEnd, "up");
      Shell.run("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
      Shell.run("ip", "-n", ns, "link", "set", "eth0", "up");
      Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
    }
    return net;
  }

  static String address(int node) {
    return "10.77.0." + (11 + node);
  }

  /** The command prefix that runs a program inside node's namespace. */
  static List<String> exec(int node) {
    return List.of("ip", "netns", "exec", PREFIX + node);
  }

  /** Cuts the link between nodes a and b, both ways. */
  synchronized void cut(int a, int b) throws IOException {
    route("add", a, b);
    route("add", b, a);
    cut.add(new int[] {a, b});
  }

  /** Heals every cut link. */
  synchronized void healAll() throws IOException {
    for (int[] link : cut) {
      route("del", link[0], link[1]);
      route("del", link[1], link[0]);
    }
    cut.clear();
  }

  private static void route(String verb, int in, int to) throws IOException {
    Shell.run("ip", "-n", PREFIX + in, "route", verb, "blackhole", address(to) + "/32");
  }

  int nodes() {
    return nodes;
  }

  @Override
  public void close() {
    removeLeftovers();
  }

  private static void removeLeftovers() {
    for (int i = 0; i < 16; i++) Shell.quietly("ip", "netns", "del", PREFIX + i);
    Shell.quietly("ip", "link", "del", BRIDGE);
  }
}
