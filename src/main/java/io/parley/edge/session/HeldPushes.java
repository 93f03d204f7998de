package io.parley.edge.session;

import io.parley.timeline.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Live entries that arrive while a session's hello sync is still being written: they wait so they
 * cannot overtake the catch-up. At most {@code maxEntries} entries and {@code maxBodyBytes} of
 * their bodies are kept (the socket's own outbound bounds); past that only two numbers per
 * conversation are, where its dropped run began and ended, and on release that run is read back
 * from the journal by {@link OrderedDelivery}. So a slow sync in busy conversations holds bounded
 * memory. Owned by one session actor.
 */
final class HeldPushes {
  private final int maxEntries;
  private final long maxBodyBytes;
  private final List<Entry> kept = new ArrayList<>();
  private long keptBodyBytes;
  // Per conversation past the bound: {first seq dropped, last seq dropped}.
  private final Map<String, long[]> dropped = new HashMap<>();
  // Per conversation, the highest seq the user entity pushed before this session attached to it.
  private final Map<String, Long> owed = new HashMap<>();

  HeldPushes(int maxEntries, long maxBodyBytes) {
    this.maxEntries = maxEntries;
    this.maxBodyBytes = maxBodyBytes;
  }

  void hold(Entry e) {
    long size = bodyBytes(e);
    if (kept.size() < maxEntries
        && keptBodyBytes + size <= maxBodyBytes
        && !dropped.containsKey(e.conv())) {
      kept.add(e);
      keptBodyBytes += size;
      return;
    }
    long[] run = dropped.computeIfAbsent(e.conv(), c -> new long[] {e.seq(), e.seq()});
    run[0] = Math.min(run[0], e.seq());
    run[1] = Math.max(run[1], e.seq());
  }

  /** Entries of conv up to seq were pushed that may not have reached this session. */
  void owe(String conv, long seq) {
    owed.merge(conv, seq, Math::max);
  }

  /**
   * Hands everything held to {@code delivery}, oldest first; dropped runs, and what is owed, are
   * read back.
   */
  void release(OrderedDelivery delivery) {
    kept.forEach(delivery::offer);
    dropped.forEach(
        (conv, run) -> {
          delivery.startFromIfUnknown(conv, run[0] - 1);
          delivery.readUpTo(conv, run[1]);
        });
    owed.forEach(delivery::readUpTo);
  }

  /** A body's size as held: its text's chars (system entries' bodies are small objects). */
  private static long bodyBytes(Entry e) {
    return e.body() != null && e.body().isTextual() ? 2L * e.body().textValue().length() : 64;
  }
}
