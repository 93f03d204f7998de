package io.parley.edge.session;

import com.typesafe.config.Config;
import io.parley.conversation.ConversationEntity;
import io.parley.edge.requests.Frames;
import io.parley.edge.transport.Outbound;
import io.parley.edge.transport.Outbox;
import io.parley.edge.transport.SharedFrame;
import io.parley.metrics.Metrics;
import io.parley.protocol.ErrorCode;
import io.parley.push.Push;
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
 * This edge node's rooms: which local sockets joined which room. Per room, the node subscribes once
 * to the room's conversation entity, so a room entry crosses the network once per edge node, is
 * encoded once per codec, and goes straight into each member socket's outbox: no per-member message
 * through core, no per-member write.
 *
 * <p>The subscription is in the entity's memory only, so the node renews it every {@code refresh}
 * (an entity that moved or restarted learns its nodes again) and a join is answered only once the
 * node is subscribed (the joined socket misses nothing after its ok).
 *
 * <p>A room lives while a local socket is in it or waits to be: when its last socket leaves or
 * dies, the room says so and the registry stops it, unless a join is already on its way there (the
 * registry counts the joins it sends each room; the room says how many it got, and the two agree
 * only when none is in flight). The entity watches the room's actor, so its subscription ends with
 * it. A socket is in at most {@code maxJoinedPerSocket} rooms and a room holds at most {@code
 * maxListenersPerNode} sockets of this node.
 */
public final class RoomRegistry {
  private RoomRegistry() {}

  public sealed interface Command {}

  /** Settings from {@code parley.rooms}, {@code parley.session.refresh} and the ask timeout. */
  public record Settings(
      int maxJoinedPerSocket, int maxListenersPerNode, Duration refresh, Duration timeout) {
    public static Settings from(Config config) {
      Config rooms = config.getConfig("parley.rooms");
      return new Settings(
          rooms.getInt("max-joined-per-socket"),
          rooms.getInt("max-listeners-per-node"),
          config.getDuration("parley.session.refresh"),
          config.getDuration("parley.ask-timeout"));
    }
  }

  /**
   * Joins a socket to a room; {@code roomsOfSocket} counts the socket's rooms with this one. {@code
   * joined} hears {@link JoinReply#JOINED} once room entries reach the socket, or why not.
   */
  public record Join(String conv, Outbox socket, int roomsOfSocket, ActorRef<JoinReply> joined)
      implements Command {}

  /** refusal is null when the socket joined; otherwise nothing changed. */
  public record JoinReply(ErrorCode refusal, String message) {
    static final JoinReply JOINED = new JoinReply(null, null);
  }

  public record Leave(String conv, Outbox socket) implements Command {}

  /** How many rooms this node holds (an actor and a subscription each). */
  public record LiveRooms(ActorRef<Integer> replyTo) implements Command {}

  /** From a room: no socket is in it or waits for it, after it took {@code adds} joins. */
  private record Idle(String conv, ActorRef<Object> room, long adds) implements Command {}

  private record RoomEnded(String conv, ActorRef<Object> room) implements Command {}

  /** A room's actor and how many joins the registry has sent it. */
  private static final class Live {
    final ActorRef<Object> ref;
    long adds;

    Live(ActorRef<Object> ref) {
      this.ref = ref;
    }
  }

  public static Behavior<Command> create(ClusterSharding sharding, Settings settings) {
    return Behaviors.setup(
        ctx -> {
          Map<String, Live> rooms = new HashMap<>();
          int[] alive = {0};
          long[] started = {0};
          return Behaviors.receive(Command.class)
              .onMessage(
                  Join.class,
                  j -> {
                    if (j.roomsOfSocket() > settings.maxJoinedPerSocket()) {
                      j.joined()
                          .tell(
                              new JoinReply(
                                  ErrorCode.FORBIDDEN,
                                  "a connection joins at most "
                                      + settings.maxJoinedPerSocket()
                                      + " rooms; leave one first"));
                      return Behaviors.same();
                    }
                    Live room =
                        rooms.computeIfAbsent(
                            j.conv(),
                            conv -> {
                              // A stopping room of the same name may not be gone yet: names are
                              // unique.
                              String name = "room-" + conv.substring(2) + "-" + ++started[0];
                              ActorRef<Object> ref =
                                  ctx.spawn(room(conv, ctx.getSelf(), sharding, settings), name);
                              ctx.watchWith(ref, new RoomEnded(conv, ref));
                              alive[0]++;
                              Metrics.LIVE_ROOMS.incrementAndGet();
                              return new Live(ref);
                            });
                    room.adds++;
                    room.ref.tell(new Add(j.socket(), j.joined()));
                    return Behaviors.same();
                  })
              .onMessage(
                  Leave.class,
                  l -> {
                    Live room = rooms.get(l.conv());
                    if (room != null) room.ref.tell(new Remove(l.socket()));
                    return Behaviors.same();
                  })
              .onMessage(
                  Idle.class,
                  idle -> {
                    Live room = rooms.get(idle.conv());
                    // Joins sent after the room said it was idle reach it before the stop does.
                    if (room != null && room.ref.equals(idle.room()) && room.adds == idle.adds()) {
                      rooms.remove(idle.conv());
                      ctx.stop(room.ref);
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  RoomEnded.class,
                  ended -> {
                    Live room = rooms.get(ended.conv());
                    if (room != null && room.ref.equals(ended.room()))
                      rooms.remove(ended.conv()); // it failed
                    alive[0]--;
                    Metrics.LIVE_ROOMS.decrementAndGet();
                    return Behaviors.same();
                  })
              .onMessage(
                  LiveRooms.class,
                  q -> {
                    q.replyTo().tell(alive[0]);
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private record Add(Outbox socket, ActorRef<JoinReply> joined) {}

  private record Remove(Outbox socket) {}

  private record Subscribed(boolean ok) {}

  private enum Renew {
    INSTANCE
  }

  /** One room on this node, from its first join until it has no socket left. */
  private static Behavior<Object> room(
      String conv, ActorRef<Command> registry, ClusterSharding sharding, Settings settings) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  Set<Outbox> sockets = new HashSet<>();
                  List<ActorRef<JoinReply>> waiting = new ArrayList<>();
                  boolean[] subscribed = {false};
                  long[] adds = {0};
                  ActorRef<Push.RoomEntry> self = ctx.getSelf().narrow();
                  Runnable subscribe =
                      () ->
                          ctx.pipeToSelf(
                              sharding
                                  .entityRefFor(ConversationEntity.ENTITY_KEY, conv)
                                  .<Done>ask(
                                      replyTo ->
                                          new ConversationEntity.SubscribeRoom(self, replyTo),
                                      settings.timeout()),
                              (done, error) -> new Subscribed(error == null));
                  Runnable idleIfEmpty =
                      () -> {
                        if (sockets.isEmpty() && waiting.isEmpty()) {
                          registry.tell(new Idle(conv, ctx.getSelf(), adds[0]));
                        }
                      };
                  subscribe.run();
                  timers.startTimerWithFixedDelay(Renew.INSTANCE, settings.refresh());
                  return Behaviors.receive(Object.class)
                      .onMessage(
                          Add.class,
                          a -> {
                            adds[0]++;
                            if (!sockets.contains(a.socket())
                                && sockets.size() >= settings.maxListenersPerNode()) {
                              a.joined().tell(full(settings));
                              idleIfEmpty.run();
                              return Behaviors.same();
                            }
                            if (sockets.add(a.socket()))
                              ctx.watchWith(a.socket().ref(), new Remove(a.socket()));
                            if (subscribed[0]) a.joined().tell(JoinReply.JOINED);
                            else waiting.add(a.joined());
                            return Behaviors.same();
                          })
                      .onMessage(
                          Remove.class,
                          r -> {
                            if (sockets.remove(r.socket())) {
                              ctx.unwatch(r.socket().ref());
                              idleIfEmpty.run();
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Subscribed.class,
                          s -> {
                            if (s.ok()) {
                              subscribed[0] = true;
                              waiting.forEach(w -> w.tell(JoinReply.JOINED));
                              waiting.clear();
                              idleIfEmpty.run();
                            } else if (!subscribed[0] && sockets.isEmpty()) {
                              // Everyone left while it failed: nobody to subscribe for.
                              waiting.forEach(w -> w.tell(notSubscribed()));
                              waiting.clear();
                              idleIfEmpty.run();
                            } else if (!subscribed[0]) {
                              subscribe
                                  .run(); // joins wait (and time out at the edge) until it works
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
                            Metrics.ROOM_NODE_DELIVERIES.increment();
                            Outbound frame =
                                new Outbound.Shared(new SharedFrame(Frames.msg(e.entry())));
                            sockets.forEach(socket -> socket.tell(frame));
                            Metrics.ROOM_SOCKET_WRITES.increment(sockets.size());
                            Metrics.MESSAGES_OUT.increment(sockets.size());
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  private static JoinReply full(Settings settings) {
    return new JoinReply(
        ErrorCode.UNAVAILABLE,
        "room full: at most "
            + settings.maxListenersPerNode()
            + " listeners on this server; try again later");
  }

  private static JoinReply notSubscribed() {
    return new JoinReply(ErrorCode.UNAVAILABLE, "room not reachable; try again");
  }
}
