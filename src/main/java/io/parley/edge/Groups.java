package io.parley.edge;

import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationId;
import io.parley.conversation.Replies;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.user.UserEntity;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Group operations and typing (PROTOCOL.md section 5): the conversation entity decides. Room
 * joins are per connection and live in {@link Session}; see {@link RoomRegistry}.
 */
final class Groups {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SessionDeps deps;

  Groups(SessionDeps deps) {
    this.deps = deps;
  }

  /** Checks that every member exists, then creates {@code g:<random id>}. */
  CompletionStage<ServerFrame> create(String user, ClientFrame.Create c) {
    String conv = "g:" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    List<CompletableFuture<UserEntity.Credentials>> lookups =
        c.members().stream()
            .distinct()
            .map(
                m ->
                    deps.sharding()
                        .entityRefFor(UserEntity.ENTITY_KEY, m)
                        .<UserEntity.Credentials>ask(UserEntity.GetCredentials::new, deps.settings().askTimeout())
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
        .thenCompose(
            done -> {
              if (lookups.stream().anyMatch(l -> l.join().passwordHash() == null)) {
                return CompletableFuture.completedFuture(
                    (ServerFrame) ServerFrame.Error.of(c.rid(), ErrorCode.NOT_FOUND, "a member does not exist"));
              }
              return conversation(conv)
                  .<Replies.PostReply>ask(
                      replyTo -> new ConversationEntity.Create(user, c.title(), c.members(), replyTo),
                      deps.settings().askTimeout())
                  .thenApply(reply -> reply instanceof Replies.Posted ? new ServerFrame.Created(c.rid(), conv) : rejected(c.rid(), reply));
            });
  }

  CompletionStage<ServerFrame> handle(String user, ClientFrame.GroupOp op) {
    ConversationEntity.Manage manage = manage(user, op, null);
    if (manage == null) {
      return CompletableFuture.completedFuture(
          ServerFrame.Error.of(op.rid(), ErrorCode.FORBIDDEN, "not allowed in this conversation"));
    }
    return conversation(op.conv())
        .<Replies.PostReply>ask(replyTo -> manage(user, op, replyTo), deps.settings().askTimeout())
        .thenApply(reply -> reply instanceof Replies.Posted ? new ServerFrame.Ok(op.rid()) : rejected(op.rid(), reply));
  }

  void typing(String user, ClientFrame.Typing t) {
    if (ConversationId.parse(t.conv()).isPresent()) {
      conversation(t.conv()).tell(new ConversationEntity.Typing(user));
    }
  }

  /** The entity command for a group op; null when the conversation is no group. */
  private static ConversationEntity.Manage manage(
      String user, ClientFrame.GroupOp op, org.apache.pekko.actor.typed.ActorRef<Replies.PostReply> replyTo) {
    var conv = ConversationId.parse(op.conv());
    if (conv.isEmpty() || !conv.get().isGroup()) return null;
    if (op instanceof ClientFrame.Invite i) {
      return new ConversationEntity.Manage(user, ConversationEntity.GroupOp.INVITE, i.users(), null, null, replyTo);
    }
    if (op instanceof ClientFrame.Leave) {
      return new ConversationEntity.Manage(user, ConversationEntity.GroupOp.LEAVE, List.of(), null, null, replyTo);
    }
    if (op instanceof ClientFrame.Kick k) {
      return new ConversationEntity.Manage(user, ConversationEntity.GroupOp.KICK, List.of(k.user()), null, null, replyTo);
    }
    if (op instanceof ClientFrame.Title t) {
      return new ConversationEntity.Manage(user, ConversationEntity.GroupOp.TITLE, List.of(), t.title(), null, replyTo);
    }
    if (op instanceof ClientFrame.Role r) {
      return new ConversationEntity.Manage(user, ConversationEntity.GroupOp.ROLE, List.of(r.user()), null, r.role(), replyTo);
    }
    return null; // join: groups are joined by invitation
  }

  private EntityRef<ConversationEntity.Command> conversation(String conv) {
    return deps.sharding().entityRefFor(ConversationEntity.ENTITY_KEY, conv);
  }

  private static ServerFrame rejected(String rid, Object reply) {
    Replies.Rejected r = (Replies.Rejected) reply;
    return new ServerFrame.Error(rid, r.code().wire(), r.message());
  }
}
