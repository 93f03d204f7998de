package io.parley.user;

import io.parley.push.Push;
import io.parley.timeline.Entry;
import io.parley.tracing.TraceSpan;
import io.parley.tracing.Tracing;
import java.util.Arrays;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * A user's connected device sessions, in memory only: they vanish with the entity's incarnation,
 * and edge sessions attach again when it stops ({@link Push.AttachAgain}), when a core node is
 * removed, and every {@code parley.session.refresh}. Presence follows from them: the first session
 * makes the user online, the last one to leave makes them offline. A session that re-attaches while
 * known changes nothing, so the refresh never re-announces "online".
 *
 * <p>An exact-size array rather than a hash map: most users have one session, a few have a handful
 * (bounded per edge node by {@code parley.session.max-sockets-per-user}), and every online user's
 * entity holds this; a map with one entry cost about 160 bytes.
 */
final class Sessions {
  @SuppressWarnings("unchecked")
  private static final ActorRef<Push>[] NONE = new ActorRef[0];

  private final ActorContext<UserEntity.Command> ctx;
  private ActorRef<Push>[] sessions = NONE;

  Sessions(ActorContext<UserEntity.Command> ctx) {
    this.ctx = ctx;
  }

  /** Adds session; true if the user had none, i.e. just came online. */
  boolean attach(ActorRef<Push> session) {
    if (indexOf(session) >= 0) return false;
    boolean first = sessions.length == 0;
    sessions = Arrays.copyOf(sessions, sessions.length + 1);
    sessions[sessions.length - 1] = session;
    // A session on a node that dies never detaches itself.
    ctx.watchWith(session, new UserEntity.Detach(session));
    return first;
  }

  /** Removes session; true if it was the last one, i.e. the user just went offline. */
  boolean detach(ActorRef<Push> session) {
    int i = indexOf(session);
    if (i < 0) return false;
    ActorRef<Push>[] left = Arrays.copyOf(sessions, sessions.length - 1);
    if (i < left.length) left[i] = sessions[sessions.length - 1];
    sessions = left.length == 0 ? NONE : left;
    ctx.unwatch(session);
    return sessions.length == 0;
  }

  boolean online() {
    return sessions.length > 0;
  }

  void push(Push push) {
    for (ActorRef<Push> session : sessions) session.tell(push);
  }

  /**
   * Pushes an entry whose send is traced, in a {@code parley.deliver} span that the sessions'
   * writes continue. Only traced pushes come here, so an untraced one never looks up the tracer.
   */
  void pushTraced(Entry entry, String traceparent, String user) {
    TraceSpan span =
        Tracing.get(ctx.getSystem()).deliver(traceparent, entry.conv(), entry.seq(), user);
    push(new Push.Delivery(entry, span == null ? null : span.traceparent()));
    if (span != null) span.sessions(sessions.length).end();
  }

  private int indexOf(ActorRef<Push> session) {
    for (int i = 0; i < sessions.length; i++) {
      if (sessions[i].equals(session)) return i;
    }
    return -1;
  }
}
