package io.parley.user;

import io.parley.push.Push;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * A user's connected device sessions, in memory only: they vanish with the entity's incarnation,
 * and edge sessions re-attach every {@code parley.session.refresh}. Presence follows from them:
 * the first session makes the user online, the last one to leave makes them offline. A session
 * that re-attaches while known changes nothing, so the refresh never re-announces "online".
 */
final class Sessions {
  private final ActorContext<UserEntity.Command> ctx;
  private final Map<ActorRef<Push>, String> devices = new HashMap<>();

  Sessions(ActorContext<UserEntity.Command> ctx) {
    this.ctx = ctx;
  }

  /** Adds session; true if the user had none, i.e. just came online. */
  boolean attach(ActorRef<Push> session, String device) {
    boolean first = devices.isEmpty();
    if (devices.put(session, device) != null) return false;
    // A session on a node that dies never detaches itself.
    ctx.watchWith(session, new UserEntity.Detach(session));
    return first;
  }

  /** Removes session; true if it was the last one, i.e. the user just went offline. */
  boolean detach(ActorRef<Push> session) {
    if (devices.remove(session) == null) return false;
    ctx.unwatch(session);
    return devices.isEmpty();
  }

  boolean online() {
    return !devices.isEmpty();
  }

  void push(Push push) {
    devices.keySet().forEach(session -> session.tell(push));
  }
}
