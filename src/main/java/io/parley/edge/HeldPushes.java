package io.parley.edge;

import io.parley.conversation.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Live entries that arrive while a session's hello sync is still being written: they wait so they
 * cannot overtake the catch-up. At most {@code max} are kept; past that only the newest entry of
 * each conversation and where its dropped run began are, so a slow sync in busy conversations
 * holds bounded memory, and on release the newest entry's gap is read back from the journal by
 * {@link OrderedDelivery}. Owned by one session actor.
 */
final class HeldPushes {
  private final int max;
  private final List<Entry> kept = new ArrayList<>();
  // Per conversation past the bound: the first seq dropped, and the newest entry seen.
  private final Map<String, Long> firstDropped = new HashMap<>();
  private final Map<String, Entry> newest = new HashMap<>();

  HeldPushes(int max) {
    this.max = max;
  }

  void hold(Entry e) {
    if (kept.size() < max && !firstDropped.containsKey(e.conv())) {
      kept.add(e);
      return;
    }
    firstDropped.merge(e.conv(), e.seq(), Math::min);
    newest.merge(e.conv(), e, (a, b) -> a.seq() >= b.seq() ? a : b);
  }

  /** Hands everything held to {@code delivery}, oldest first; dropped runs become gaps it fills. */
  void release(OrderedDelivery delivery) {
    kept.forEach(delivery::offer);
    newest.forEach(
        (conv, e) -> {
          delivery.startFromIfUnknown(conv, firstDropped.get(conv) - 1);
          delivery.offer(e);
        });
  }
}
