package io.parley.edge.session;

import io.parley.auth.Tokens;
import io.parley.edge.transport.Outbound;
import io.parley.edge.transport.Outbox;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.Codec;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.SessionMessage;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One client socket, whatever its transport: waits for {@code hello}, authenticates it, then hands
 * over to a {@link Session}. Inbound frames arrive decoded and are acked one by one, so a client
 * that floods the socket is slowed by TCP back-pressure, not buffered in a mailbox.
 */
public final class Connection {
  private Connection() {}

  public interface Command extends SessionMessage {}

  /** Sent back to the inbound stream after each frame: ready for the next one. */
  public enum Ack {
    INSTANCE
  }

  public record StreamStarted(ActorRef<Ack> ackTo) implements Command {}

  /** With neither frame nor error, a transport keep-alive (a WebSocket ping): traffic only. */
  public record Inbound(ActorRef<Ack> ackTo, Codec.Decoded decoded) implements Command {
    boolean isKeepAlive() {
      return decoded.frame() == null && decoded.error() == null;
    }
  }

  public enum StreamClosed implements Command {
    INSTANCE
  }

  enum HelloTimeout implements Command {
    INSTANCE
  }

  /** The node is shutting down: the client should reconnect to another node. */
  public enum Drain implements Command {
    INSTANCE
  }

  /** A core node is gone: attach to the user entity again, which may have moved. */
  enum Reattach implements Command {
    INSTANCE
  }

  static final String RECONNECT_ELSEWHERE =
      "server shutting down: reconnect (another node will answer)";

  public static Behavior<SessionMessage> create(SessionDeps deps, Outbox out, String transport) {
    return Behaviors.withTimers(
        timers -> {
          timers.startSingleTimer(HelloTimeout.INSTANCE, deps.settings().helloTimeout());
          return awaitingHello(deps, out, transport);
        });
  }

  private static Behavior<SessionMessage> awaitingHello(
      SessionDeps deps, Outbox out, String transport) {
    return Behaviors.receive(SessionMessage.class)
        .onMessage(StreamStarted.class, m -> ack(m.ackTo()))
        .onMessage(
            Inbound.class,
            m -> {
              if (m.isKeepAlive()) return ack(m.ackTo());
              return onFrameBeforeHello(deps, out, transport, m);
            })
        .onMessageEquals(
            HelloTimeout.INSTANCE,
            () -> close(out, null, ErrorCode.UNAUTHORIZED, "no hello within the hello timeout"))
        .onMessageEquals(
            Drain.INSTANCE, () -> close(out, null, ErrorCode.UNAVAILABLE, RECONNECT_ELSEWHERE))
        .onMessageEquals(StreamClosed.INSTANCE, Behaviors::stopped)
        .build();
  }

  private static Behavior<SessionMessage> onFrameBeforeHello(
      SessionDeps deps, Outbox out, String transport, Inbound m) {
    Codec.Decoded decoded = m.decoded();
    if (decoded.error() != null) {
      // A hello without a token (the only refusal the codec makes unauthorized) ends the socket.
      if (decoded.error().code().equals(ErrorCode.UNAUTHORIZED.wire())) {
        return close(out, decoded.error().rid(), ErrorCode.UNAUTHORIZED, decoded.error().message());
      }
      out.tell(new Outbound.Frame(decoded.error()));
      return ack(m.ackTo());
    }
    if (!(decoded.frame() instanceof ClientFrame.Hello hello)) {
      return close(out, decoded.frame().rid(), ErrorCode.UNAUTHORIZED, "send hello first");
    }
    String rid = hello.rid();
    Optional<Tokens.Claims> claims = deps.tokens().claims(hello.token());
    if (claims.isEmpty()) {
      return close(out, rid, ErrorCode.UNAUTHORIZED, "invalid or expired token");
    }
    if (!deps.sessions().admit(claims.get().user(), out.ref())) {
      return close(
          out,
          rid,
          ErrorCode.RATE_LIMITED,
          "too many sockets for this user on this node; retry later");
    }
    return TokenCheck.start(deps, out, transport, claims.get(), hello, m.ackTo());
  }

  /**
   * Writes the error, then closes the socket once it is written. The actor lives on until the
   * stream has ended: stopping at once would cancel the stream and drop the error frame. {@code
   * rid}: the request the close answers (a refused hello's), null when it answers none.
   */
  static Behavior<SessionMessage> close(Outbox out, String rid, ErrorCode code, String message) {
    out.tell(new Outbound.Frame(ServerFrame.Error.of(rid, code, message)));
    out.tell(new Outbound.Close(code, message));
    return Behaviors.receive(SessionMessage.class)
        .onMessage(Inbound.class, m -> ack(m.ackTo()))
        .onMessageEquals(StreamClosed.INSTANCE, Behaviors::stopped)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private static Behavior<SessionMessage> ack(ActorRef<Ack> ackTo) {
    ackTo.tell(Ack.INSTANCE);
    return Behaviors.same();
  }
}
