package io.parley.edge.session;

import io.parley.edge.transport.ConnectionCaps;
import io.parley.push.SessionMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The connection actors alive on this edge node, so a graceful shutdown can ask each client to
 * reconnect elsewhere before the node goes (see {@link Connection.Drain}), and each session can be
 * asked to attach to its user entity again ({@link CoreRemovals}); and which user each has said
 * hello as, so that user's socket slot ({@link ConnectionCaps}) is given back when the socket ends.
 */
public final class LiveSessions {
  // The user whose slot a connection holds, or NO_USER before (or without) a hello.
  private static final String NO_USER = "";
  // A drain (or a re-attach) tells its connections in this many slices, so that 100,000 sockets
  // are not 100,000 scheduled tasks.
  private static final int SPREAD_STEPS = 100;

  private final ActorSystem<?> system;
  private final ConnectionCaps caps;
  private final Map<ActorRef<SessionMessage>, String> live = new ConcurrentHashMap<>();
  private final CompletableFuture<Done> drained = new CompletableFuture<>();
  private volatile boolean draining;

  public LiveSessions(ActorSystem<?> system, ConnectionCaps caps) {
    this.system = system;
    this.caps = caps;
  }

  void opened(ActorRef<SessionMessage> connection) {
    live.put(connection, NO_USER);
    if (draining) connection.tell(Connection.Drain.INSTANCE);
  }

  /**
   * Takes one of the user's socket slots for this connection at hello; false when the user holds
   * them all, or the socket has already ended (its slot would never be given back).
   */
  @SuppressWarnings("unchecked")
  boolean admit(String user, ActorRef<?> connection) {
    boolean[] admitted = {false};
    // Atomic with closed()'s removal: a slot is taken only for a connection still listed.
    live.computeIfPresent(
        (ActorRef<SessionMessage>) connection,
        (c, holder) -> {
          admitted[0] = holder.equals(NO_USER) && caps.tryOpenFor(user);
          return admitted[0] ? user : holder;
        });
    return admitted[0];
  }

  void closed(ActorRef<SessionMessage> connection) {
    String user = live.remove(connection);
    if (user != null && !user.equals(NO_USER)) caps.closedFor(user);
    if (draining && live.isEmpty()) drained.complete(Done.getInstance());
  }

  public int count() {
    return live.size();
  }

  /**
   * Asks every connection to go, spread evenly over {@code spread} so that the clients do not all
   * reconnect to the other nodes in the same instant; completes when all are gone or after the
   * timeout.
   */
  public CompletionStage<Done> drain(Duration spread, Duration timeout) {
    draining = true;
    tellSpread(Connection.Drain.INSTANCE, spread, true);
    if (live.isEmpty()) drained.complete(Done.getInstance());
    CompletableFuture<Done> bounded = new CompletableFuture<>();
    drained.thenAccept(bounded::complete);
    system
        .scheduler()
        .scheduleOnce(
            timeout, () -> bounded.complete(Done.getInstance()), system.executionContext());
    return bounded;
  }

  /**
   * Asks every connection that has said hello to attach to its user entity again, spread evenly
   * over {@code spread}: after a core node is gone its user entities start elsewhere knowing no
   * sessions ({@link CoreRemovals}).
   */
  void reattach(Duration spread) {
    // None at once: the removed node's shards must first be forgotten by this node's regions
    // (they learn of the removal with this), or an attach could still be routed to it.
    tellSpread(Connection.Reattach.INSTANCE, spread, false);
  }

  /**
   * Tells every live connection {@code message}, in slices evenly over {@code spread}; the first
   * slice at once if {@code firstAtOnce}, else one slice's time later.
   */
  private void tellSpread(SessionMessage message, Duration spread, boolean firstAtOnce) {
    List<ActorRef<SessionMessage>> all = new ArrayList<>(live.keySet());
    int steps = Math.min(all.size(), SPREAD_STEPS);
    for (int step = 0; step < steps; step++) {
      List<ActorRef<SessionMessage>> slice =
          all.subList(step * all.size() / steps, (step + 1) * all.size() / steps);
      Runnable tell = () -> slice.forEach(c -> c.tell(message));
      int at = firstAtOnce ? step : step + 1;
      if (at == 0) tell.run();
      else
        system
            .scheduler()
            .scheduleOnce(
                spread.multipliedBy(at).dividedBy(steps), tell, system.executionContext());
    }
  }
}
