package io.parley.edge.session;

import io.parley.auth.Tokens;
import io.parley.edge.session.Connection.Ack;
import io.parley.edge.transport.Outbox;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.push.SessionMessage;
import io.parley.user.UserEntity;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A well-signed token may still have been revoked (logout), which only the user's entity knows, so
 * a hello waits for its answer. The hello is not acked until then, so the stream hands over no
 * further frame: nothing a client pipelines behind a revoked hello is ever acted on. While the
 * entity does not answer (its shard is moving after a core node crashed) the check is asked again
 * with {@link Patience}: welcome comes later, the socket stays.
 */
final class TokenCheck {
  private TokenCheck() {}

  /** The user entity's answer on the hello's token: revoked, or null when it did not answer. */
  record Checked(Boolean revoked) implements Connection.Command {}

  enum CheckAgain implements Connection.Command {
    INSTANCE
  }

  static Behavior<SessionMessage> start(
      SessionDeps deps,
      Outbox out,
      String transport,
      Tokens.Claims claims,
      ClientFrame.Hello hello,
      ActorRef<Ack> helloAck) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  // The hello has come: from here its check is bounded by sync-patience.
                  timers.cancel(Connection.HelloTimeout.INSTANCE);
                  Patience patience = new Patience(deps.settings(), System.nanoTime());
                  ask(ctx, deps, claims);
                  return Behaviors.receive(SessionMessage.class)
                      .onMessage(
                          Checked.class,
                          checked -> {
                            if (checked.revoked() == null) {
                              Duration wait = patience.retryAfter(System.nanoTime());
                              if (wait == null) {
                                return Connection.close(
                                    out,
                                    hello.rid(),
                                    ErrorCode.UNAVAILABLE,
                                    "could not check the token; reconnect");
                              }
                              timers.startSingleTimer(CheckAgain.INSTANCE, wait);
                              return Behaviors.same();
                            }
                            if (checked.revoked()) {
                              return Connection.close(
                                  out,
                                  hello.rid(),
                                  ErrorCode.UNAUTHORIZED,
                                  "logged out; log in again");
                            }
                            helloAck.tell(Ack.INSTANCE);
                            return Session.start(deps, out, transport, claims, hello);
                          })
                      .onMessageEquals(
                          CheckAgain.INSTANCE,
                          () -> {
                            ask(ctx, deps, claims);
                            return Behaviors.same();
                          })
                      .onMessageEquals(
                          Connection.Drain.INSTANCE,
                          () ->
                              Connection.close(
                                  out,
                                  hello.rid(),
                                  ErrorCode.UNAVAILABLE,
                                  Connection.RECONNECT_ELSEWHERE))
                      .onMessageEquals(Connection.StreamClosed.INSTANCE, Behaviors::stopped)
                      .build();
                }));
  }

  private static void ask(
      ActorContext<SessionMessage> ctx, SessionDeps deps, Tokens.Claims claims) {
    ctx.pipeToSelf(
        deps.sharding()
            .entityRefFor(UserEntity.ENTITY_KEY, claims.user())
            .<UserEntity.TokenStatus>ask(
                replyTo -> new UserEntity.CheckToken(claims.tokenId(), replyTo),
                deps.settings().askTimeout()),
        (status, failure) -> new Checked(failure == null ? status.revoked() : null));
  }
}
