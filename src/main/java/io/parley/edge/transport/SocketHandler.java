package io.parley.edge.transport;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.Codec;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * What a transport hands each socket to once it has framed the socket's bytes: the layer above
 * (edge.session), which the transports know only through this. It says how large frames may be, and
 * runs one socket's stream: decoded frames in, encoded frames out.
 */
public interface SocketHandler {
  /** What decoding a client's frame checks besides its size. */
  ClientFrame.Limits frameLimits();

  /** The largest frame a client may send, in bytes. */
  int maxFrameBytes();

  /** Of a frame over {@link #maxFrameBytes}, the first bytes kept to read its rid from. */
  int oversizeRidScanBytes();

  /**
   * The largest frame the server writes: what one socket's outbox holds. Every legal reply fits,
   * though a history page or a body of escaped characters may exceed {@link #maxFrameBytes}.
   */
  int maxOutboundFrameBytes();

  /**
   * One socket's stream. What it writes waits in {@code outbox}, made by the transport, whose
   * framing stage tells the outbox each frame it takes ({@link Outbox#written}): a stage here to do
   * it would cost every idle socket about half a KB. For the same reason {@code decode} is applied
   * as each inbound frame is handed over, not in a stage of its own. {@code transport} names the
   * transport, for the socket's actor.
   */
  <In> Flow<In, ByteString, NotUsed> open(
      String transport, Codec codec, Outbox outbox, Function<In, Codec.Decoded> decode);
}
