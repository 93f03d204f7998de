package io.parley.push;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of room fan-out work in this JVM, to show that a room message costs one publish and
 * one delivery per edge node, whatever the audience; only the final socket writes grow with it.
 */
public final class RoomCounters {
  /** Room entries fanned out by room entities (one per entry, whatever the audience). */
  public static final AtomicLong PUBLISHED = new AtomicLong();

  /** Room entries received by edge nodes' room registries (one per entry per node). */
  public static final AtomicLong NODE_DELIVERIES = new AtomicLong();

  /** Frames queued to room members' sockets (one per entry per joined socket). */
  public static final AtomicLong SOCKET_WRITES = new AtomicLong();

  private RoomCounters() {}
}
