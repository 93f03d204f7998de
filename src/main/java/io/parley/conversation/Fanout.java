package io.parley.conversation;

import io.parley.metrics.Metrics;
import io.parley.push.Push;
import io.parley.timeline.Entry;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * How a conversation reaches beyond itself: its members' user entities (pushes, links) and, for a
 * room, the edge nodes subscribed to it (one message per node, whatever the audience). Everything
 * here is best effort after the fact; the timeline is the truth, and seq + catch-up repair what a
 * lost message misses.
 */
public final class Fanout {
  private final ActorContext<?> ctx;
  private final ClusterSharding sharding;
  private final ConversationId conv;
  private final PostTraces traces; // null: tracing off
  // A room's subscribed edge nodes (their room registries), in memory: they renew it.
  private final java.util.Set<ActorRef<Push.RoomEntry>> roomNodes = new java.util.HashSet<>();

  Fanout(ActorContext<?> ctx, ClusterSharding sharding, ConversationId conv, PostTraces traces) {
    this.ctx = ctx;
    this.sharding = sharding;
    this.conv = conv;
    this.traces = traces;
  }

  /** An edge node wants this room's entries; returns whether it is new (to watch it). */
  boolean subscribe(ActorRef<Push.RoomEntry> node) {
    return roomNodes.add(node);
  }

  void unsubscribe(ActorRef<Push.RoomEntry> node) {
    roomNodes.remove(node);
  }

  void deliver(Entry entry, Collection<String> users) {
    String traceparent = traces == null ? null : traces.stored(entry);
    if (conv.isRoom()) {
      Push.RoomEntry roomEntry = new Push.RoomEntry(entry);
      roomNodes.forEach(node -> node.tell(roomEntry));
      Metrics.ROOM_PUBLISHED.increment();
      return;
    }
    UserEntity.Deliver deliver = new UserEntity.Deliver(entry, traceparent);
    for (String user : users) user(user).tell(deliver);
  }

  void notify(Collection<String> users, Push push) {
    UserEntity.Notify notify = new UserEntity.Notify(push);
    for (String user : users) user(user).tell(notify);
  }

  void readReceipt(Collection<String> users, String reader, long seq) {
    for (String user : users)
      user(user).tell(new UserEntity.ReadReceipt(conv.value(), reader, seq));
  }

  void deliveredReceipt(Collection<String> users, String holder, long seq) {
    for (String user : users)
      user(user).tell(new UserEntity.DeliveredReceipt(conv.value(), holder, seq));
  }

  /** Links and waits: each reply says whether the user exists and whom of others it blocks. */
  CompletionStage<List<UserEntity.LinkReply>> linkAndAsk(List<String> users, Duration timeout) {
    List<CompletableFuture<UserEntity.LinkReply>> replies =
        users.stream()
            .map(
                user ->
                    user(user)
                        .<UserEntity.LinkReply>ask(
                            replyTo ->
                                new UserEntity.LinkConversation(
                                    conv.value(), others(users, user), replyTo),
                            timeout)
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
        .thenApply(done -> replies.stream().map(CompletableFuture::join).toList());
  }

  private static List<String> others(List<String> users, String user) {
    return users.stream().filter(u -> !u.equals(user)).toList();
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<UserEntity.Command> user(
      String id) {
    return sharding.entityRefFor(UserEntity.ENTITY_KEY, id);
  }
}
