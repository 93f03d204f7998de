package io.parley.edge;

import io.parley.edge.Connection.Outbound;
import io.parley.metrics.Metrics;
import io.parley.push.Push;
import io.parley.push.RoomCounters;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This edge node's rooms: which local sockets joined which room. Per room it subscribes once to
 * the room's pub-sub topic, so a room entry crosses the network once per edge node, is encoded
 * once per codec, and goes straight into each member socket's outbound queue: no per-member
 * message through core, no per-member write.
 */
public final class RoomRegistry {
  private RoomRegistry() {}

  public sealed interface Command {}

  public record Join(String conv, Outbox socket) implements Command {}

  public record Leave(String conv, Outbox socket) implements Command {}

  public static Behavior<Command> create() {
    return Behaviors.setup(
        ctx -> {
          Map<String, ActorRef<RoomCommand>> rooms = new HashMap<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Join.class,
                  j -> {
                    rooms
                        .computeIfAbsent(j.conv(), conv -> ctx.spawn(room(conv), "room-" + conv.substring(2)))
                        .tell(new Add(j.socket()));
                    return Behaviors.same();
                  })
              .onMessage(
                  Leave.class,
                  l -> {
                    ActorRef<RoomCommand> room = rooms.get(l.conv());
                    if (room != null) room.tell(new Remove(l.socket()));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  sealed interface RoomCommand {}

  record Add(Outbox socket) implements RoomCommand {}

  record Remove(Outbox socket) implements RoomCommand {}

  record Arrived(Push.RoomEntry entry) implements RoomCommand {}

  /** One room on this node. It stays once started: a room's subscription is cheap to keep. */
  private static Behavior<RoomCommand> room(String conv) {
    return Behaviors.setup(
        ctx -> {
          var topic = ctx.spawn(Topic.create(Push.RoomEntry.class, io.parley.conversation.Fanout.roomTopicName(conv)), "topic");
          topic.tell(Topic.subscribe(ctx.messageAdapter(Push.RoomEntry.class, Arrived::new)));
          Set<Outbox> sockets = new HashSet<>();
          return Behaviors.receive(RoomCommand.class)
              .onMessage(
                  Add.class,
                  a -> {
                    if (sockets.add(a.socket())) ctx.watchWith(a.socket().ref(), new Remove(a.socket()));
                    return Behaviors.same();
                  })
              .onMessage(
                  Remove.class,
                  r -> {
                    if (sockets.remove(r.socket())) ctx.unwatch(r.socket().ref());
                    return Behaviors.same();
                  })
              .onMessage(
                  Arrived.class,
                  a -> {
                    RoomCounters.NODE_DELIVERIES.incrementAndGet();
                    Outbound frame = new Outbound.Shared(new SharedFrame(Frames.msg(a.entry().entry())));
                    sockets.forEach(socket -> socket.tell(frame));
                    RoomCounters.SOCKET_WRITES.addAndGet(sockets.size());
                    Metrics.MESSAGES_OUT.increment(sockets.size());
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
