package io.parley.edge.requests;

import io.parley.conversation.ConversationEntity;
import io.parley.conversation.ConversationId;
import io.parley.conversation.MembersCursor;
import io.parley.conversation.Membership;
import io.parley.conversation.Replies;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Group operations and typing (docs/protocol.md section 5): the conversation entity decides. Room
 * joins are per connection and live in the session (edge.session's SessionRooms and RoomRegistry).
 *
 * <p>Nobody is put into a group without consent ({@link Invitees}): an unknown id refuses the
 * request ({@code not_found}, naming it); a user who blocks the inviter, or who was added to too
 * many groups within the hour, is left out without a word, and the request goes on.
 */
public final class Groups {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final RequestDeps deps;
  private final Invitees invitees;

  public Groups(RequestDeps deps) {
    this.deps = deps;
    this.invitees = new Invitees(deps.sharding(), deps.settings().askTimeout());
  }

  /** Creates {@code g:<random id>} with the members who consent. */
  public CompletionStage<ServerFrame> create(String user, ClientFrame.Create c) {
    return Unanswered.answered(c, created(user, c));
  }

  private CompletionStage<ServerFrame> created(String user, ClientFrame.Create c) {
    String conv = "g:" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    List<String> others = others(user, c.members());
    if (others.size() + 1 > deps.settings().maxGroupSize()) return done(tooLarge(c.rid()));
    return invitees
        .consent(user, conv, others)
        .thenCompose(
            consent -> {
              if (!consent.unknown().isEmpty()) return done(unknown(c.rid(), consent.unknown()));
              return conversation(conv)
                  .<Replies.PostReply>ask(
                      replyTo ->
                          new ConversationEntity.Create(user, c.title(), consent.added(), replyTo),
                      deps.settings().askTimeout())
                  .thenApply(
                      reply ->
                          reply instanceof Replies.Posted
                              ? new ServerFrame.Created(c.rid(), conv)
                              : rejected(c.rid(), reply));
            });
  }

  public CompletionStage<ServerFrame> handle(String user, ClientFrame.GroupOp op) {
    return Unanswered.answered(op, changed(user, op));
  }

  private CompletionStage<ServerFrame> changed(String user, ClientFrame.GroupOp op) {
    ConversationEntity.Manage manage = manage(user, op, null);
    if (manage == null) return done(notAllowed(op.rid()));
    if (op instanceof ClientFrame.Invite i) return invite(user, i);
    return ask(op.conv(), replyTo -> manage(user, op, replyTo), op.rid());
  }

  /**
   * An empty invite first (it stores nothing) tells whether the user may invite at all, so a
   * refused invite asks no invitee and spends none of their adds.
   */
  private CompletionStage<ServerFrame> invite(String user, ClientFrame.Invite i) {
    return ask(i.conv(), replyTo -> inviting(user, List.of(), replyTo), i.rid())
        .thenCompose(
            allowed -> {
              if (!(allowed instanceof ServerFrame.Ok)) return done(allowed);
              List<String> others = others(user, i.users());
              if (others.size() + 1 > deps.settings().maxGroupSize())
                return done(tooLarge(i.rid()));
              return invitees
                  .consent(user, i.conv(), others)
                  .thenCompose(
                      consent -> {
                        if (!consent.unknown().isEmpty())
                          return done(unknown(i.rid(), consent.unknown()));
                        if (consent.added().isEmpty()) return done(allowed);
                        return ask(
                            i.conv(), replyTo -> inviting(user, consent.added(), replyTo), i.rid());
                      });
            });
  }

  /**
   * A page of a conversation's members with their roles: a group's from its entity, for members
   * only ({@code forbidden} otherwise, also when there is no such group); a direct conversation's
   * two users (both "member") for either of them; rooms keep no member list ({@code bad_request}).
   */
  public CompletionStage<ServerFrame> members(String user, ClientFrame.Members m) {
    return Unanswered.answered(m, membersPage(user, m));
  }

  private CompletionStage<ServerFrame> membersPage(String user, ClientFrame.Members m) {
    int max = deps.settings().membersMaxLimit();
    var conv = ConversationId.parse(m.conv());
    if (conv.isEmpty() || conv.get().isRoom())
      return done(
          ServerFrame.Error.of(
              m.rid(), ErrorCode.BAD_REQUEST, "not a group or direct conversation"));
    if (m.limit() != null && m.limit() > max)
      return done(ServerFrame.Error.of(m.rid(), ErrorCode.BAD_REQUEST, "limit must be 1.." + max));
    var after = MembersCursor.parse(m.cursor());
    if (m.cursor() != null && after.isEmpty())
      return done(ServerFrame.Error.of(m.rid(), ErrorCode.BAD_REQUEST, "not a members cursor"));
    if (conv.get().isDirect()) {
      if (!conv.get().hasMember(user)) return done(notAllowed(m.rid()));
      var both =
          conv.get().members().stream()
              .map(u -> new ServerFrame.MemberRole(u, Membership.MEMBER))
              .toList();
      return done(new ServerFrame.Members(m.rid(), m.conv(), both, null, null));
    }
    int limit = m.limit() == null ? max : m.limit();
    return conversation(m.conv())
        .<Replies.MembersReply>ask(
            replyTo -> new ConversationEntity.GetMembers(user, after.orElse(null), limit, replyTo),
            deps.settings().askTimeout())
        .thenApply(
            reply -> {
              if (!(reply instanceof Replies.MembersPage page)) return rejected(m.rid(), reply);
              var members =
                  page.members().stream()
                      .map(r -> new ServerFrame.MemberRole(r.user(), r.role()))
                      .toList();
              if (!page.more())
                return new ServerFrame.Members(m.rid(), m.conv(), members, null, null);
              var last = members.get(members.size() - 1);
              String cursor = MembersCursor.after(last.user(), last.role());
              return new ServerFrame.Members(m.rid(), m.conv(), members, true, cursor);
            });
  }

  public void typing(String user, ClientFrame.Typing t) {
    if (ConversationId.parse(t.conv()).isPresent()) {
      conversation(t.conv()).tell(new ConversationEntity.Typing(user));
    }
  }

  /** Asks the group to apply a change; ok once it is stored. */
  private CompletionStage<ServerFrame> ask(
      String conv,
      Function<ActorRef<Replies.PostReply>, ConversationEntity.Manage> change,
      String rid) {
    return conversation(conv)
        .<Replies.PostReply>ask(change::apply, deps.settings().askTimeout())
        .thenApply(
            reply ->
                reply instanceof Replies.Posted ? new ServerFrame.Ok(rid) : rejected(rid, reply));
  }

  private static ConversationEntity.Manage inviting(
      String user, List<String> users, ActorRef<Replies.PostReply> replyTo) {
    return new ConversationEntity.Manage(
        user, ConversationEntity.GroupOp.INVITE, users, null, null, replyTo);
  }

  /** The entity command for a group op; null when the conversation is no group. */
  private static ConversationEntity.Manage manage(
      String user, ClientFrame.GroupOp op, ActorRef<Replies.PostReply> replyTo) {
    var conv = ConversationId.parse(op.conv());
    if (conv.isEmpty() || !conv.get().isGroup()) return null;
    if (op instanceof ClientFrame.Invite i) {
      return new ConversationEntity.Manage(
          user, ConversationEntity.GroupOp.INVITE, i.users(), null, null, replyTo);
    }
    if (op instanceof ClientFrame.Leave) {
      return new ConversationEntity.Manage(
          user, ConversationEntity.GroupOp.LEAVE, List.of(), null, null, replyTo);
    }
    if (op instanceof ClientFrame.Kick k) {
      return new ConversationEntity.Manage(
          user, ConversationEntity.GroupOp.KICK, List.of(k.user()), null, null, replyTo);
    }
    if (op instanceof ClientFrame.Title t) {
      return new ConversationEntity.Manage(
          user, ConversationEntity.GroupOp.TITLE, List.of(), t.title(), null, replyTo);
    }
    if (op instanceof ClientFrame.Role r) {
      return new ConversationEntity.Manage(
          user, ConversationEntity.GroupOp.ROLE, List.of(r.user()), null, r.role(), replyTo);
    }
    return null; // join: groups are joined by invitation
  }

  /** The distinct users named, without the one who names them. */
  private static List<String> others(String user, List<String> users) {
    return users.stream().distinct().filter(u -> !u.equals(user)).toList();
  }

  private ServerFrame tooLarge(String rid) {
    return ServerFrame.Error.of(
        rid,
        ErrorCode.BAD_REQUEST,
        "a group has at most " + deps.settings().maxGroupSize() + " members");
  }

  private static ServerFrame notAllowed(String rid) {
    return ServerFrame.Error.of(rid, ErrorCode.FORBIDDEN, "not allowed in this conversation");
  }

  private static ServerFrame unknown(String rid, List<String> users) {
    return ServerFrame.Error.of(
        rid, ErrorCode.NOT_FOUND, "no such user: " + String.join(", ", users));
  }

  private static CompletionStage<ServerFrame> done(ServerFrame frame) {
    return CompletableFuture.completedFuture(frame);
  }

  private EntityRef<ConversationEntity.Command> conversation(String conv) {
    return deps.sharding().entityRefFor(ConversationEntity.ENTITY_KEY, conv);
  }

  private static ServerFrame rejected(String rid, Object reply) {
    Replies.Rejected r = (Replies.Rejected) reply;
    return new ServerFrame.Error(rid, r.code().wire(), r.message());
  }
}
