package io.parley.user;

import io.parley.CborSerializable;
import java.util.HashMap;
import java.util.Map;

/**
 * A user's conversations in the user entity's state: {@code reads} has a key for every conversation
 * of the user (its read marker, 0 = nothing read); {@code delivered} holds each device's delivery
 * cursors.
 */
public record Inbox(Map<String, Long> reads, Map<String, Map<String, Long>> delivered)
    implements CborSerializable {
  static final Inbox EMPTY = new Inbox(Map.of(), Map.of());

  public Inbox {
    reads = reads == null ? Map.of() : reads;
    delivered = delivered == null ? Map.of() : delivered;
  }

  boolean lists(String conv) {
    return reads.containsKey(conv);
  }

  long readSeq(String conv) {
    return reads.getOrDefault(conv, 0L);
  }

  Inbox link(String conv) {
    return new Inbox(Maps.with(reads, conv, 0L), delivered);
  }

  Inbox unlink(String conv) {
    Map<String, Long> without = new HashMap<>(reads);
    without.remove(conv);
    return new Inbox(Map.copyOf(without), delivered);
  }

  Inbox read(String conv, long seq) {
    return new Inbox(Maps.with(reads, conv, seq), delivered);
  }

  /** The highest seq of conv any device stored as delivered (0: none). */
  long deliveredUpTo(String conv) {
    long highest = 0;
    for (Map<String, Long> cursors : delivered.values()) {
      highest = Math.max(highest, cursors.getOrDefault(conv, 0L));
    }
    return highest;
  }

  /** Only the cursors that move forward, or an empty map. */
  Map<String, Long> advancing(String device, Map<String, Long> cursors) {
    Map<String, Long> current = delivered.getOrDefault(device, Map.of());
    Map<String, Long> moved = new HashMap<>();
    cursors.forEach(
        (conv, seq) -> {
          if (lists(conv) && seq > current.getOrDefault(conv, 0L)) moved.put(conv, seq);
        });
    return moved;
  }

  Inbox advance(String device, Map<String, Long> cursors) {
    Map<String, Long> moved = new HashMap<>(delivered.getOrDefault(device, Map.of()));
    moved.putAll(cursors);
    return new Inbox(reads, Maps.with(delivered, device, Map.copyOf(moved)));
  }
}
