package io.parley.edge;

import io.parley.protocol.Codec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * Raw TCP framing: each frame is a 4-byte big-endian length and that many bytes of UTF-8 JSON.
 * A length above the frame limit cannot be skipped safely, so such a connection is closed.
 *
 * <p>Before hello the connection's hello timeout bounds a socket that says nothing (or half a
 * length prefix); after it, the session's heartbeat; a socket whose writes stall is reset.
 */
public final class TcpTransport {
  private TcpTransport() {}

  public static CompletionStage<Tcp.ServerBinding> bind(
      ActorSystem<?> system, SessionDeps deps, Duration writeStallTimeout, String host, int port, int backlog) {
    Codec json = Codec.json(deps.settings().frameLimits());
    int max = deps.settings().maxFrameBytes();
    Function<ByteString, Codec.Decoded> decode = bytes -> json.decode(bytes.toArray());
    return Tcp.get(system)
        .bind(host, port, backlog, List.of(), false, Optional.empty())
        .to(
            Sink.foreach(
                connection -> {
                  // Guarded inside the framing, which passes demand and cancellation through.
                  Flow<ByteString, ByteString, ?> session =
                      SocketGuard.create(writeStallTimeout, () -> {})
                          .join(SessionFlow.create(system, deps, json, "tcp", new Outbox(), decode));
                  connection.handleWith(
                      Framing.simpleFramingProtocol(max).reversed().join(session), system);
                }))
        .run(system);
  }
}
