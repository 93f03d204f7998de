package io.parley.edge.transport;

import io.parley.protocol.Codec;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import org.apache.pekko.japi.function.Function;

/**
 * One inbound message as the WebSocket framing read it; {@code bytes} is null when it was too
 * large. {@link #KEEPALIVE} (compared by identity) is traffic without a frame, e.g. a WebSocket
 * ping.
 */
record RawFrame(byte[] bytes) {
  static final RawFrame TOO_LARGE = new RawFrame(null);
  static final RawFrame KEEPALIVE = new RawFrame(new byte[0]);

  private static final Codec.Decoded KEEPALIVE_DECODED = new Codec.Decoded(null, null);

  /** Decodes what the WebSocket framing passes up, its keep-alives and oversized messages too. */
  static Function<RawFrame, Codec.Decoded> decoder(Codec codec, int maxFrameBytes) {
    ServerFrame.Error tooLarge =
        ServerFrame.Error.of(
            null, ErrorCode.TOO_LARGE, "frame exceeds " + maxFrameBytes + " bytes; it was dropped");
    return raw ->
        raw == KEEPALIVE
            ? KEEPALIVE_DECODED
            : raw.bytes() == null ? new Codec.Decoded(null, tooLarge) : codec.decode(raw.bytes());
  }
}
