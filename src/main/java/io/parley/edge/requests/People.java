package io.parley.edge.requests;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.user.Contacts;
import io.parley.user.Contacts.Answer;
import io.parley.user.Contacts.Change;
import io.parley.user.UserEntity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Contact operations over the socket (docs/protocol.md section 6). Each op reads the requester's
 * contacts, asks the other party's user entity to apply its side, then has the requester's entity
 * store its own; the reply goes out once that is durable. Both steps are idempotent, so a client
 * that got no reply retries the same op. The entities decide; this only sequences.
 */
public final class People {
  private final RequestDeps deps;

  public People(RequestDeps deps) {
    this.deps = deps;
  }

  public CompletionStage<ServerFrame> handle(String me, ClientFrame.ContactOp op) {
    String other = op.user();
    if (other.equals(me)) return done(error(op.rid(), ErrorCode.BAD_REQUEST, "that is you"));
    return Unanswered.answered(
        op,
        user(me)
            .<Contacts.View>ask(UserEntity.GetContacts::new, timeout())
            .thenCompose(mine -> apply(me, other, op, mine)));
  }

  public CompletionStage<ServerFrame> contacts(String me, ClientFrame.Contacts c) {
    return Unanswered.answered(
        c,
        user(me)
            .<Contacts.View>ask(UserEntity.GetContacts::new, timeout())
            .thenApply(
                v ->
                    new ServerFrame.ContactList(
                        c.rid(), v.friends(), v.pendingIn(), v.pendingOut(), v.blocked())));
  }

  private CompletionStage<ServerFrame> apply(
      String me, String other, ClientFrame.ContactOp op, Contacts.View mine) {
    String rid = op.rid();
    if (op instanceof ClientFrame.FriendRequest) {
      if (mine.blocked().contains(other)) {
        return done(error(rid, ErrorCode.CONFLICT, "you block " + other + "; unblock first"));
      }
      if (mine.friends().contains(other)) return done(new ServerFrame.Ok(rid));
      if (mine.pendingIn().contains(other)) return accept(rid, me, other);
      int max = deps.settings().maxPendingRequests();
      if (mine.pendingOut().size() >= max && !mine.pendingOut().contains(other)) {
        return done(
            error(
                rid,
                ErrorCode.FORBIDDEN,
                "you have " + max + " friend requests out; withdraw some (friend_remove) first"));
      }
      // Blocked by the other (IGNORED) looks exactly like a request still pending.
      return ask(other, me, Contacts.Op.REQUEST)
          .thenCompose(
              answer ->
                  switch (answer) {
                    case UNKNOWN_USER -> done(error(rid, ErrorCode.NOT_FOUND, "no such user"));
                    case FULL ->
                        done(
                            error(
                                rid,
                                ErrorCode.RATE_LIMITED,
                                other + " has too many friend requests waiting; try later"));
                    case FRIENDS -> store(rid, me, other, Change.FRIEND_ADDED);
                    default -> store(rid, me, other, Change.REQUEST_SENT);
                  });
    }
    if (op instanceof ClientFrame.FriendAccept) {
      if (mine.friends().contains(other)) return done(new ServerFrame.Ok(rid));
      if (!mine.pendingIn().contains(other)) return done(noRequest(rid, other));
      return accept(rid, me, other);
    }
    if (op instanceof ClientFrame.FriendRemove) {
      // A blocked user was dropped when blocked, and hears nothing more from the blocker.
      if (mine.blocked().contains(other)) return done(new ServerFrame.Ok(rid));
      return ask(other, me, Contacts.Op.REMOVE)
          .thenCompose(a -> store(rid, me, other, Change.DROPPED));
    }
    if (op instanceof ClientFrame.Block) {
      return ask(other, me, Contacts.Op.BLOCK)
          .thenCompose(
              answer ->
                  answer == Answer.UNKNOWN_USER
                      ? done(error(rid, ErrorCode.NOT_FOUND, "no such user"))
                      : store(rid, me, other, Change.BLOCKED));
    }
    return store(rid, me, other, Change.UNBLOCKED);
  }

  private CompletionStage<ServerFrame> accept(String rid, String me, String other) {
    return ask(other, me, Contacts.Op.ACCEPT)
        .thenCompose(
            answer ->
                answer == Answer.FRIENDS
                    ? store(rid, me, other, Change.FRIEND_ADDED)
                    // The request was withdrawn meanwhile: drop the stale one here too.
                    : store(rid, me, other, Change.DROPPED).thenApply(ok -> noRequest(rid, other)));
  }

  /** The other party's side of the op. */
  private CompletionStage<Answer> ask(String other, String me, Contacts.Op op) {
    return user(other).ask(replyTo -> new UserEntity.ContactFrom(me, op, replyTo), timeout());
  }

  /** The requester's side; ok once it is durable. */
  private CompletionStage<ServerFrame> store(String rid, String me, String other, Change change) {
    return user(me)
        .<Done>ask(replyTo -> new UserEntity.ChangeContact(other, change, replyTo), timeout())
        .thenApply(done -> new ServerFrame.Ok(rid));
  }

  private EntityRef<UserEntity.Command> user(String id) {
    return deps.sharding().entityRefFor(UserEntity.ENTITY_KEY, id);
  }

  private java.time.Duration timeout() {
    return deps.settings().askTimeout();
  }

  private static ServerFrame noRequest(String rid, String other) {
    return error(rid, ErrorCode.NOT_FOUND, "no friend request from " + other);
  }

  private static ServerFrame error(String rid, ErrorCode code, String message) {
    return ServerFrame.Error.of(rid, code, message);
  }

  private static CompletionStage<ServerFrame> done(ServerFrame frame) {
    return CompletableFuture.completedFuture(frame);
  }
}
