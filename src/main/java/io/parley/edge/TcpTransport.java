package io.parley.edge;

import io.parley.protocol.Codec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * Raw TCP framing: each frame is a 4-byte big-endian length and that many bytes of UTF-8 JSON.
 * A length above the frame limit cannot be skipped safely, so such a connection is closed.
 */
public final class TcpTransport {
  private TcpTransport() {}

  public static CompletionStage<Tcp.ServerBinding> bind(
      ActorSystem<?> system, SessionDeps deps, String host, int port, int backlog) {
    Codec json = Codec.json(deps.settings().frameLimits());
    Function<ByteString, Codec.Decoded> decode = bytes -> json.decode(bytes.toArray());
    return Tcp.get(system)
        .bind(host, port, backlog, List.of(), false, Optional.empty())
        .to(
            Sink.foreach(
                connection -> {
                  Flow<ByteString, ByteString, ?> session =
                      SessionFlow.create(system, deps, json, "tcp", new Outbox(), decode);
                  connection.handleWith(framing(deps.settings()).join(session), system);
                }))
        .run(system);
  }

  /**
   * Inbound frames are limited to the client's frame limit; outbound ones to what a socket's
   * outbound queue can hold (outbound-buffer-bytes), which every legal reply fits: a history page
   * or a body of control characters escapes past the inbound limit and must still arrive.
   */
  static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> framing(SessionSettings settings) {
    // The javadsl offers only the bidi, with one limit for both directions.
    return BidiFlow.fromFlows(
        org.apache.pekko.stream.scaladsl.Framing.simpleFramingProtocolDecoder(settings.maxFrameBytes()),
        org.apache.pekko.stream.scaladsl.Framing.simpleFramingProtocolEncoder(settings.outboundBufferBytes()));
  }
}
