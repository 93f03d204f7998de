package io.parley.user;

import io.parley.CborSerializable;
import io.parley.timeline.Entry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Bursts of entries per conversation, so that a burst becomes one push per device: the first entry
 * of a conversation opens a window of {@code parley.push.coalesce} (a message the entity schedules
 * to itself, {@link PushProtocol.PushDue}); later entries of that conversation in the window
 * replace the latest entry and add to the count. In memory only: a burst open when the entity stops
 * is not pushed (at most once; the app shows it when it next opens). Part of one user entity's
 * actor; it holds nothing until a burst opens, as most entities never push.
 */
final class Coalescer {
  /** The latest entry (highest seq) of a conversation's burst, and how many entries it holds. */
  record Burst(Entry latest, int count) implements CborSerializable {}

  private final ActorContext<UserEntity.Command> ctx;
  private final Duration window;
  private Map<String, Burst> open; // null while no burst is

  Coalescer(ActorContext<UserEntity.Command> ctx, Duration window) {
    this.ctx = ctx;
    this.window = window;
  }

  void add(Entry entry) {
    if (open == null) open = new HashMap<>();
    Burst burst = open.get(entry.conv());
    if (burst == null) {
      open.put(entry.conv(), new Burst(entry, 1));
      // Not a timer: a timer scheduler would cost every user entity, pushing or not. A window
      // that ends after the entity stopped goes to dead letters, and its burst with the entity.
      ctx.scheduleOnce(window, ctx.getSelf(), new PushProtocol.PushDue(entry.conv()));
      return;
    }
    Entry latest = entry.seq() > burst.latest().seq() ? entry : burst.latest();
    open.put(entry.conv(), new Burst(latest, burst.count() + 1));
  }

  /** The burst whose window just ended (null if there is none); a new one may open. */
  Burst take(String conv) {
    if (open == null) return null;
    Burst burst = open.remove(conv);
    if (open.isEmpty()) open = null;
    return burst;
  }
}
