package io.parley.edge.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections this node holds, in all and per source address (both ports, REST included),
 * and how many sockets each user has said hello on. Counts are this node's only: a cluster of N
 * edge nodes admits up to N times each cap. Thread-safe; a count that falls to zero is removed, so
 * the maps hold only addresses and users that have a connection open.
 *
 * <p>Also how many refused HTTP connections wait for their request head, so that their 503 is read
 * rather than lost to the reset that closing on unread bytes causes. Refused connections are not
 * counted as open, so these waits have a cap of their own (max-connections-per-ip: one address's
 * worth); beyond it a refusal is answered at once.
 */
public final class ConnectionCaps {
  /** Why a connection was refused; the message is for the client. */
  public enum Refusal {
    NODE_FULL("this node is at its connection limit"),
    ADDRESS_FULL("too many connections from your address");

    final String why;

    Refusal(String why) {
      this.why = why;
    }
  }

  private final EdgeLimits limits;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger refusing = new AtomicInteger();
  private final Map<Object, Integer> perAddress = new ConcurrentHashMap<>();
  private final Map<String, Integer> perUser = new ConcurrentHashMap<>();

  public ConnectionCaps(EdgeLimits limits) {
    this.limits = limits;
  }

  EdgeLimits limits() {
    return limits;
  }

  /** What a refused client is told: why, and when to try again. */
  String message(Refusal refusal) {
    int cap = refusal == Refusal.NODE_FULL ? limits.maxConnections() : limits.maxConnectionsPerIp();
    return refusal.why + " (" + cap + "); retry in " + limits.retryAfterSeconds() + " s";
  }

  /** Takes a slot for a new connection from {@code from}; null if admitted, else why not. */
  Refusal tryOpen(InetAddress from) {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      return Refusal.NODE_FULL;
    }
    if (!tryIncrement(perAddress, addressKey(from), limits.maxConnectionsPerIp())) {
      open.decrementAndGet();
      return Refusal.ADDRESS_FULL;
    }
    return null;
  }

  /** An admitted connection from {@code from} has ended. */
  void closed(InetAddress from) {
    decrement(perAddress, addressKey(from));
    open.decrementAndGet();
  }

  /** Whether a refused connection may wait for its request head; if so, call refusalDone(). */
  boolean tryWaitToRefuse() {
    if (refusing.incrementAndGet() <= limits.maxConnectionsPerIp()) return true;
    refusing.decrementAndGet();
    return false;
  }

  void refusalDone() {
    refusing.decrementAndGet();
  }

  /** Takes one of the user's socket slots at hello; false when the user has them all. */
  public boolean tryOpenFor(String user) {
    return tryIncrement(perUser, user, limits.maxSocketsPerUser());
  }

  public void closedFor(String user) {
    decrement(perUser, user);
  }

  /** Connections this node holds now, on both ports. */
  public int open() {
    return open.get();
  }

  int addressesTracked() {
    return perAddress.size();
  }

  int usersTracked() {
    return perUser.size();
  }

  /**
   * What a source address is counted under: an IPv4 address itself, an IPv6 address by its /64 (as
   * a Long). One IPv6 host is routinely given a whole /64: counting its single addresses would cap
   * nothing.
   */
  static Object addressKey(InetAddress address) {
    if (address instanceof Inet6Address)
      return ByteBuffer.wrap(address.getAddress(), 0, 8).getLong();
    return address;
  }

  private static <K> boolean tryIncrement(Map<K, Integer> counts, K key, int max) {
    boolean[] taken = {false};
    counts.compute(
        key,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= max) return n;
          taken[0] = true;
          return now + 1;
        });
    return taken[0];
  }

  private static <K> void decrement(Map<K, Integer> counts, K key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
