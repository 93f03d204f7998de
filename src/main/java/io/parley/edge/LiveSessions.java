package io.parley.edge;

import io.parley.push.SessionMessage;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The connection actors alive on this edge node, so a graceful shutdown can ask each client
 * to reconnect elsewhere before the node goes (see {@link Connection.Drain}).
 */
public final class LiveSessions {
  private final ActorSystem<?> system;
  private final Set<ActorRef<SessionMessage>> live = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Done> drained = new CompletableFuture<>();
  private volatile boolean draining;

  public LiveSessions(ActorSystem<?> system) {
    this.system = system;
  }

  void opened(ActorRef<SessionMessage> connection) {
    live.add(connection);
    if (draining) connection.tell(Connection.Drain.INSTANCE);
  }

  void closed(ActorRef<SessionMessage> connection) {
    live.remove(connection);
    if (draining && live.isEmpty()) drained.complete(Done.getInstance());
  }

  public int count() {
    return live.size();
  }

  /** Asks every connection to go; completes when all are gone or after the timeout. */
  public CompletionStage<Done> drain(Duration timeout) {
    draining = true;
    live.forEach(c -> c.tell(Connection.Drain.INSTANCE));
    if (live.isEmpty()) drained.complete(Done.getInstance());
    CompletableFuture<Done> bounded = new CompletableFuture<>();
    drained.thenAccept(bounded::complete);
    system.scheduler().scheduleOnce(timeout, () -> bounded.complete(Done.getInstance()), system.executionContext());
    return bounded;
  }
}
