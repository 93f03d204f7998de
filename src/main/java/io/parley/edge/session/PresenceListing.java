package io.parley.edge.session;

import io.parley.edge.requests.FriendsPresence;
import io.parley.edge.session.SessionMessages.PresenceListed;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.Push;
import io.parley.push.SessionMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import scala.concurrent.ExecutionContext;

/**
 * The friends' presence list a session writes after welcome, made from asks that race the live
 * presence pushes: a push that reaches the session while the list is being made may be newer than
 * what the list says, so it wins. Used by the session's actor alone, until the list is written.
 */
final class PresenceListing {
  private volatile boolean ended; // read by the asks' callbacks, on other threads

  /**
   * Asks for the list, again with {@link Patience} while the user's entity does not answer (it may
   * be moving after a core node crashed, as the hello's other asks may); the session gets a {@link
   * PresenceListed}, with {@link #FAILED} once patience runs out.
   */
  void start(
      ActorContext<SessionMessage> ctx, FriendsPresence presence, String user, SessionSettings s) {
    Patience patience = new Patience(s, System.nanoTime());
    CompletableFuture<ServerFrame> answer = new CompletableFuture<>();
    attempt(ctx, () -> presence.list(user), patience, answer);
    ctx.pipeToSelf(answer, (list, failure) -> new PresenceListed(failure == null ? list : FAILED));
  }

  /** The session ended: the list is not asked for again. */
  void end() {
    ended = true;
  }

  private void attempt(
      ActorContext<SessionMessage> ctx,
      Supplier<CompletionStage<ServerFrame>> ask,
      Patience patience,
      CompletableFuture<ServerFrame> answer) {
    Scheduler scheduler = ctx.getSystem().scheduler();
    ExecutionContext executor = ctx.getSystem().executionContext();
    ask.get()
        .whenComplete(
            (list, failure) -> {
              if (failure == null) {
                answer.complete(list);
                return;
              }
              Duration wait = ended ? null : patience.retryAfter(System.nanoTime());
              if (wait == null) answer.completeExceptionally(failure);
              else
                scheduler.scheduleOnce(wait, () -> attempt(ctx, ask, patience, answer), executor);
            });
  }

  /** When the list could not be made (the user's entity did not answer in time). */
  static final ServerFrame FAILED =
      ServerFrame.Error.of(
          null,
          ErrorCode.UNAVAILABLE,
          "could not list your friends' presence; ask for it with a presence query");

  private final Map<String, Push.PresenceChanged> pushed = new HashMap<>();

  void pushed(Push.PresenceChanged p) {
    pushed.put(p.user(), p);
  }

  /**
   * The list, with each friend's state as the latest push says where one came meanwhile; any other
   * frame (an error) as it is.
   */
  ServerFrame merged(ServerFrame frame) {
    if (pushed.isEmpty() || !(frame instanceof ServerFrame.PresenceList list)) return frame;
    List<ServerFrame.FriendState> friends = new ArrayList<>(list.friends().size());
    for (ServerFrame.FriendState f : list.friends()) {
      Push.PresenceChanged p = pushed.get(f.user());
      friends.add(p == null ? f : new ServerFrame.FriendState(f.user(), p.state(), p.lastSeen()));
    }
    return new ServerFrame.PresenceList(list.rid(), friends, list.more());
  }
}
