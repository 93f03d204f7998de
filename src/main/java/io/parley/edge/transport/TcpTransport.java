package io.parley.edge.transport;

import io.parley.edge.net.SocketServer;
import io.parley.protocol.Codec;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Raw TCP framing: each frame is a 4-byte big-endian length and that many bytes of UTF-8 JSON. A
 * frame over the limit is answered too_large, with its rid when its start holds one, and skipped as
 * it arrives ({@link TcpFrames}); the connection stays open.
 *
 * <p>Every connection takes a slot of {@link ConnectionCaps} first; over a cap it gets an {@code
 * unavailable} error frame and is closed. Before hello the connection's hello timeout bounds a
 * socket that says nothing (or half a length prefix); after it, the session's heartbeat; a socket
 * whose writes stall is reset.
 */
public final class TcpTransport {
  private TcpTransport() {}

  public static CompletionStage<SocketServer.Binding> bind(
      SocketServer server,
      SocketHandler handler,
      ConnectionCaps caps,
      String host,
      int port,
      int backlog) {
    Codec json = Codec.json(handler.frameLimits());
    Function<RawFrame, Codec.Decoded> decode = RawFrame.decoder(json, handler.maxFrameBytes());
    // One decoder stage for every connection (a stage made per socket keeps its blueprint for
    // the socket's life); the encoder is per connection, as it tells the socket's outbox.
    Flow<ByteString, RawFrame, NotUsed> decoder =
        Flow.fromGraph(new TcpFrames(handler.maxFrameBytes(), handler.oversizeRidScanBytes()));
    return server.bind(
        host,
        port,
        backlog,
        remote -> {
          InetAddress from = remote.getAddress();
          ConnectionCaps.Refusal refusal = caps.tryOpen(from);
          if (refusal != null) return refused(json, caps.message(refusal));
          // The guard next to the socket, as on the HTTP port.
          Outbox outbox = new Outbox();
          Flow<ByteString, ByteString, NotUsed> framed =
              framing(decoder, handler.maxOutboundFrameBytes(), outbox)
                  .join(handler.open("tcp", json, outbox, decode));
          return SocketGuard.create(caps.limits().writeStallTimeout(), () -> caps.closed(from))
              .join(framed);
        });
  }

  /**
   * Inbound frames are limited to the client's frame limit; outbound ones to what a socket's
   * outbound queue can hold ({@code maxOut}, outbound-buffer-bytes), which every legal reply fits:
   * a history page or a body of control characters escapes past the inbound limit and must still
   * arrive. The outbound side is one stage that also tells {@code outbox} each frame it takes (see
   * {@link SocketHandler#open}).
   */
  static BidiFlow<ByteString, RawFrame, ByteString, ByteString, NotUsed> framing(
      Flow<ByteString, RawFrame, NotUsed> decoder, int maxOut, Outbox outbox) {
    Flow<ByteString, ByteString, NotUsed> encoder =
        Flow.of(ByteString.class)
            .map(
                frame -> {
                  int n = frame.size();
                  outbox.written(n);
                  if (n > maxOut) {
                    throw new org.apache.pekko.stream.scaladsl.Framing.FramingException(
                        "Maximum allowed message size is "
                            + maxOut
                            + " but tried to send "
                            + n
                            + " bytes");
                  }
                  byte[] length = {
                    (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n
                  };
                  return ByteString.fromArrayUnsafe(length).concat(frame);
                });
    return BidiFlow.fromFlows(decoder, encoder);
  }

  /** The error frame, then the close; what the client sends meanwhile is ignored. */
  private static Flow<ByteString, ByteString, NotUsed> refused(Codec json, String message) {
    byte[] frame = json.encode(ServerFrame.Error.of(null, ErrorCode.UNAVAILABLE, message));
    ByteString framed =
        new ByteStringBuilder().putInt(frame.length, ByteOrder.BIG_ENDIAN).putBytes(frame).result();
    return Flow.fromSinkAndSourceCoupled(Sink.ignore(), Source.single(framed));
  }
}
