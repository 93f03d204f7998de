package io.parley.edge;

import io.parley.edge.net.SocketServer;
import io.parley.metrics.Metrics;
import io.parley.protocol.Codec;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.push.SessionMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.util.ByteString;

/**
 * Builds the stream of one socket around a fresh {@link Connection} actor: decoded inbound frames
 * go to the actor (with back-pressure), frames the actor writes come out encoded. Transports wrap
 * this with their framing only.
 */
public final class SessionFlow {
  private SessionFlow() {}

  /**
   * One inbound frame as the transport read it; {@code bytes} is null when it was too large. {@link
   * #KEEPALIVE} (compared by identity) is traffic without a frame, e.g. a WebSocket ping.
   */
  public record RawFrame(byte[] bytes) {
    public static final RawFrame TOO_LARGE = new RawFrame(null);
    public static final RawFrame KEEPALIVE = new RawFrame(new byte[0]);
  }

  private static final Codec.Decoded KEEPALIVE = new Codec.Decoded(null, null);

  // Names the connection actors: unique, and short (a random UUID made each name, which every
  // socket's actor path and log context hold, 24 characters longer).
  private static final AtomicLong CONNECTIONS = new AtomicLong();

  // One queue stage per buffer size, shared by every socket: a stage instance keeps its
  // blueprint (module, shape, ports, attributes) for as long as a socket runs it, ~0.3 KB each
  // if made per socket. Each materialization still gets its own queue.
  private static final Map<Integer, Source<ByteString, BoundedSourceQueue<ByteString>>> QUEUES =
      new ConcurrentHashMap<>();

  /** Decodes what the WebSocket framing passes up, its keep-alives and oversized messages too. */
  static Function<RawFrame, Codec.Decoded> rawDecoder(Codec codec, int maxFrameBytes) {
    ServerFrame.Error tooLarge =
        ServerFrame.Error.of(
            null, ErrorCode.TOO_LARGE, "frame exceeds " + maxFrameBytes + " bytes; it was dropped");
    return raw ->
        raw == RawFrame.KEEPALIVE
            ? KEEPALIVE
            : raw.bytes() == null ? new Codec.Decoded(null, tooLarge) : codec.decode(raw.bytes());
  }

  /**
   * The socket's stream; what it writes waits in {@code outbox}, made by the transport. Inbound
   * frames are decoded as they are handed to the actor and outbound ones encoded as they enter the
   * queue (so it can be bounded in bytes), not in stages of their own: each stage costs every idle
   * socket about half a KB. For the same reason the transport's framing stage, not a stage here,
   * tells the outbox each frame it takes ({@link Outbox#written}).
   */
  public static <In> Flow<In, ByteString, NotUsed> create(
      ActorSystem<?> system,
      SessionDeps deps,
      Codec codec,
      String transport,
      Outbox outbox,
      Function<In, Codec.Decoded> decode) {
    ActorRef<SessionMessage> connection =
        system.systemActorOf(
            Connection.create(deps, outbox, transport),
            "conn-" + transport + "-" + Long.toString(CONNECTIONS.incrementAndGet(), 36),
            // Beside its socket's stream, on the socket's thread (EventLoops).
            DispatcherSelector.fromConfig(SocketServer.DISPATCHER));
    outbox.ownedBy(connection);

    Sink<In, NotUsed> in =
        ActorSink.<In, SessionMessage, Connection.Ack>actorRefWithBackpressure(
            connection,
            (ackTo, frame) -> new Connection.Inbound(ackTo, decode.apply(frame)),
            Connection.StreamStarted::new,
            Connection.Ack.INSTANCE,
            Connection.StreamClosed.INSTANCE,
            failure -> Connection.StreamClosed.INSTANCE);
    Source<ByteString, NotUsed> outBytes =
        QUEUES
            .computeIfAbsent(deps.settings().outboundBuffer(), Source::queue)
            .mapMaterializedValue(
                queue -> {
                  outbox.attach(queue, codec, deps.settings().outboundBufferBytes());
                  return NotUsed.getInstance();
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
