package io.parley.edge.session;

import io.parley.conversation.ConversationId;
import io.parley.edge.transport.Outbox;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The rooms one connection has joined. Joins are per connection and not stored: the node's {@link
 * RoomRegistry} puts room entries straight into this socket's outbox, and refuses a join beyond its
 * caps (rooms per socket, listeners per room).
 */
final class SessionRooms {
  private final ActorRef<RoomRegistry.Command> registry;
  private final Outbox out;
  // Room -> the join that put it here. A join counts from when it is sent; a refusal, answered
  // off the session's thread, takes it out again unless a later join of the room replaced it.
  // Empty and immutable until the first join (the session's thread makes it, before the ask
  // whose answer may touch it): most sockets never join a room.
  private Map<String, Long> joined = Collections.emptyMap();
  private long joins;

  private final Duration timeout;
  private final Scheduler scheduler;

  SessionRooms(
      ActorRef<RoomRegistry.Command> registry, Outbox out, Duration timeout, Scheduler scheduler) {
    this.registry = registry;
    this.out = out;
    this.timeout = timeout;
    this.scheduler = scheduler;
  }

  static boolean isRoom(String conv) {
    return conv != null && conv.startsWith("r:");
  }

  /**
   * Why this frame may not touch a room (only joined sockets send or page; no cursors), or null.
   */
  ServerFrame.Error problem(ClientFrame frame) {
    String conv =
        frame instanceof ClientFrame.Send s
            ? s.conv()
            : frame instanceof ClientFrame.History h
                ? h.conv()
                : frame instanceof ClientFrame.Ack a
                    ? a.conv()
                    : frame instanceof ClientFrame.Read r ? r.conv() : null;
    if (!isRoom(conv)) return null;
    if (frame instanceof ClientFrame.Ack || frame instanceof ClientFrame.Read) {
      return ServerFrame.Error.of(
          frame.rid(), ErrorCode.BAD_REQUEST, "rooms keep no read markers or delivery cursors");
    }
    return joined.containsKey(conv)
        ? null
        : ServerFrame.Error.of(frame.rid(), ErrorCode.FORBIDDEN, "join the room first");
  }

  /** Joins; the reply ({@code ok}) comes once the room's entries reach this socket. */
  CompletionStage<ServerFrame> join(ClientFrame.Join j) {
    if (ConversationId.parse(j.conv()).isEmpty()) {
      return CompletableFuture.completedFuture(
          ServerFrame.Error.of(j.rid(), ErrorCode.BAD_REQUEST, "not a room id"));
    }
    long join = ++joins;
    if (!(joined instanceof ConcurrentHashMap)) joined = new ConcurrentHashMap<>();
    joined.put(j.conv(), join);
    int rooms = joined.size();
    return AskPattern.<RoomRegistry.Command, RoomRegistry.JoinReply>ask(
            registry,
            replyTo -> new RoomRegistry.Join(j.conv(), out, rooms, replyTo),
            timeout,
            scheduler)
        .thenApply(
            reply -> {
              if (reply.refusal() == null) return new ServerFrame.Ok(j.rid());
              joined.remove(j.conv(), join);
              return ServerFrame.Error.of(j.rid(), reply.refusal(), reply.message());
            });
  }

  ServerFrame leave(ClientFrame.Leave l) {
    if (joined.remove(l.conv()) != null) registry.tell(new RoomRegistry.Leave(l.conv(), out));
    return new ServerFrame.Ok(l.rid());
  }

  void leaveAll() {
    joined.keySet().forEach(room -> registry.tell(new RoomRegistry.Leave(room, out)));
    joined.clear();
  }
}
