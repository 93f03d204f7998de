package io.parley.edge;

import io.parley.protocol.Codec;
import io.parley.protocol.ErrorCode;
import io.parley.metrics.Metrics;
import io.parley.protocol.ServerFrame;
import io.parley.push.SessionMessage;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * Builds the stream of one socket around a fresh {@link Connection} actor: decoded inbound frames
 * go to the actor (with back-pressure), frames the actor writes come out encoded. Transports
 * wrap this with their framing only.
 */
public final class SessionFlow {
  private SessionFlow() {}

  /** One inbound frame as the transport read it; {@code bytes} is null when it was too large. */
  public record RawFrame(byte[] bytes) {
    public static final RawFrame TOO_LARGE = new RawFrame(null);
  }

  public static Flow<RawFrame, byte[], NotUsed> create(
      ActorSystem<?> system, SessionDeps deps, Codec codec, String transport) {
    Pair<ActorRef<Connection.Outbound>, Source<Connection.Outbound, NotUsed>> out =
        ActorSource.<Connection.Outbound>actorRef(
                // Close completes the socket after the frames queued before it are written.
                m -> m instanceof Connection.Outbound.Close,
                m -> Optional.empty(),
                deps.settings().outboundBuffer(),
                // A reader this slow is cut off rather than buffered without bound.
                OverflowStrategy.fail())
            .preMaterialize(system);
    Outbox outbox = new Outbox(out.first());
    ActorRef<SessionMessage> connection =
        system.systemActorOf(
            Connection.create(deps, outbox, transport),
            "conn-" + transport + "-" + UUID.randomUUID(),
            Props.empty());

    ServerFrame.Error tooLarge =
        ServerFrame.Error.of(
            null,
            ErrorCode.TOO_LARGE,
            "frame exceeds " + deps.settings().maxFrameBytes() + " bytes; it was dropped");
    Sink<RawFrame, NotUsed> in =
        Flow.of(RawFrame.class)
            .map(
                raw ->
                    raw.bytes() == null
                        ? new Codec.Decoded(null, tooLarge)
                        : codec.decode(raw.bytes()))
            .to(
                ActorSink.<Codec.Decoded, SessionMessage, Connection.Ack>actorRefWithBackpressure(
                    connection,
                    Connection.Inbound::new,
                    Connection.StreamStarted::new,
                    Connection.Ack.INSTANCE,
                    Connection.StreamClosed.INSTANCE,
                    failure -> Connection.StreamClosed.INSTANCE));
    Source<byte[], NotUsed> outBytes =
        out.second()
            .filterNot(o -> o instanceof Connection.Outbound.Close)
            .map(
                o -> {
                  outbox.written();
                  if (o instanceof Connection.Outbound.Frame f) {
                    if (f.frame() instanceof ServerFrame.Msg) Metrics.MESSAGES_OUT.increment();
                    return codec.encode(f.frame());
                  }
                  return ((Connection.Outbound.Shared) o).frame().encoded(codec);
                });
    deps.sessions().opened(connection);
    Metrics.connectionOpened();
    return Flow.fromSinkAndSourceCoupled(in, outBytes)
        .watchTermination(
            (notUsed, done) -> {
              done.whenComplete(
                  (ok, error) -> {
                    deps.sessions().closed(connection);
                    outbox.closed();
                    Metrics.connectionClosed();
                  });
              return NotUsed.getInstance();
            });
  }
}
