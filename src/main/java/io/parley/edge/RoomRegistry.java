package io.parley.edge;

import io.parley.conversation.ConversationEntity;
import io.parley.edge.Connection.Outbound;
import io.parley.metrics.Metrics;
import io.parley.push.Push;
import io.parley.push.RoomCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * This edge node's rooms: which local sockets joined which room. Per room, the node subscribes
 * once to the room's conversation entity, so a room entry crosses the network once per edge
 * node, is encoded once per codec, and goes straight into each member socket's outbox: no
 * per-member message through core, no per-member write.
 *
 * <p>The subscription is in the entity's memory only, so the node renews it every
 * {@code refresh} (an entity that moved or restarted learns its nodes again) and a join is
 * answered only once the node is subscribed (the joined socket misses nothing after its ok).
 */
public final class RoomRegistry {
  private RoomRegistry() {}

  public sealed interface Command {}

  /** Joins a socket to a room; {@code joined} hears Done once room entries reach it. */
  public record Join(String conv, Outbox socket, ActorRef<Done> joined) implements Command {}

  public record Leave(String conv, Outbox socket) implements Command {}

  public static Behavior<Command> create(ClusterSharding sharding, Duration refresh, Duration timeout) {
    return Behaviors.setup(
        ctx -> {
          Map<String, ActorRef<Object>> rooms = new HashMap<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Join.class,
                  j -> {
                    rooms
                        .computeIfAbsent(
                            j.conv(),
                            conv -> ctx.spawn(room(conv, sharding, refresh, timeout), "room-" + conv.substring(2)))
                        .tell(new Add(j.socket(), j.joined()));
                    return Behaviors.same();
                  })
              .onMessage(
                  Leave.class,
                  l -> {
                    ActorRef<Object> room = rooms.get(l.conv());
                    if (room != null) room.tell(new Remove(l.socket()));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private record Add(Outbox socket, ActorRef<Done> joined) {}

  private record Remove(Outbox socket) {}

  private record Subscribed(boolean ok) {}

  private enum Renew {
    INSTANCE
  }

  /** One room on this node; it stays once started (a subscription is cheap to keep). */
  private static Behavior<Object> room(String conv, ClusterSharding sharding, Duration refresh, Duration timeout) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  Set<Outbox> sockets = new HashSet<>();
                  List<ActorRef<Done>> waiting = new ArrayList<>();
                  boolean[] subscribed = {false};
                  ActorRef<Push.RoomEntry> self = ctx.getSelf().narrow();
                  Runnable subscribe =
                      () ->
                          ctx.pipeToSelf(
                              sharding
                                  .entityRefFor(ConversationEntity.ENTITY_KEY, conv)
                                  .<Done>ask(replyTo -> new ConversationEntity.SubscribeRoom(self, replyTo), timeout),
                              (done, error) -> new Subscribed(error == null));
                  subscribe.run();
                  timers.startTimerWithFixedDelay(Renew.INSTANCE, refresh);
                  return Behaviors.receive(Object.class)
                      .onMessage(
                          Add.class,
                          a -> {
                            if (sockets.add(a.socket())) ctx.watchWith(a.socket().ref(), new Remove(a.socket()));
                            if (subscribed[0]) a.joined().tell(Done.getInstance());
                            else waiting.add(a.joined());
                            return Behaviors.same();
                          })
                      .onMessage(
                          Remove.class,
                          r -> {
                            if (sockets.remove(r.socket())) ctx.unwatch(r.socket().ref());
                            return Behaviors.same();
                          })
                      .onMessage(
                          Subscribed.class,
                          s -> {
                            if (s.ok()) {
                              subscribed[0] = true;
                              waiting.forEach(w -> w.tell(Done.getInstance()));
                              waiting.clear();
                            } else if (!subscribed[0]) {
                              subscribe.run(); // joins wait (and time out at the edge) until it works
                            }
                            return Behaviors.same();
                          })
                      .onMessageEquals(
                          Renew.INSTANCE,
                          () -> {
                            subscribe.run();
                            return Behaviors.same();
                          })
                      .onMessage(
                          Push.RoomEntry.class,
                          e -> {
                            RoomCounters.NODE_DELIVERIES.incrementAndGet();
                            Outbound frame = new Outbound.Shared(new SharedFrame(Frames.msg(e.entry())));
                            sockets.forEach(socket -> socket.tell(frame));
                            RoomCounters.SOCKET_WRITES.addAndGet(sockets.size());
                            Metrics.MESSAGES_OUT.increment(sockets.size());
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
