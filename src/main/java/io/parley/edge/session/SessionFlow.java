package io.parley.edge.session;

import io.parley.edge.transport.Outbox;
import io.parley.edge.transport.SocketHandler;
import io.parley.metrics.Metrics;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.Codec;
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
 * go to the actor (with back-pressure), frames the actor writes come out encoded. The transports
 * wrap this with their framing only; they know it as their {@link SocketHandler}.
 */
public final class SessionFlow implements SocketHandler {
  // Names the connection actors: unique, and short (a random UUID made each name, which every
  // socket's actor path and log context hold, 24 characters longer).
  private static final AtomicLong CONNECTIONS = new AtomicLong();

  // One queue stage per buffer size, shared by every socket: a stage instance keeps its
  // blueprint (module, shape, ports, attributes) for as long as a socket runs it, ~0.3 KB each
  // if made per socket. Each materialization still gets its own queue.
  private static final Map<Integer, Source<ByteString, BoundedSourceQueue<ByteString>>> QUEUES =
      new ConcurrentHashMap<>();

  private final ActorSystem<?> system;
  private final SessionDeps deps;
  private final DispatcherSelector dispatcher;

  /**
   * {@code dispatcher} runs each connection actor: the socket's own thread (edge.net's event
   * loops), beside its stream.
   */
  public SessionFlow(ActorSystem<?> system, SessionDeps deps, DispatcherSelector dispatcher) {
    this.system = system;
    this.deps = deps;
    this.dispatcher = dispatcher;
  }

  @Override
  public ClientFrame.Limits frameLimits() {
    return deps.settings().frameLimits();
  }

  @Override
  public int maxFrameBytes() {
    return deps.settings().maxFrameBytes();
  }

  @Override
  public int oversizeRidScanBytes() {
    return deps.settings().oversizeRidScanBytes();
  }

  @Override
  public int maxOutboundFrameBytes() {
    return deps.settings().outboundBufferBytes();
  }

  /**
   * Inbound frames are decoded as they are handed to the actor and outbound ones encoded as they
   * enter the queue (so it can be bounded in bytes), not in stages of their own: each stage costs
   * every idle socket about half a KB.
   */
  @Override
  public <In> Flow<In, ByteString, NotUsed> open(
      String transport, Codec codec, Outbox outbox, Function<In, Codec.Decoded> decode) {
    ActorRef<SessionMessage> connection =
        system.systemActorOf(
            Connection.create(deps, outbox, transport),
            "conn-" + transport + "-" + Long.toString(CONNECTIONS.incrementAndGet(), 36),
            dispatcher);
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
