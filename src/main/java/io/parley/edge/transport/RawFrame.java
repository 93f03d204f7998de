package io.parley.edge.transport;

import io.parley.protocol.Codec;
import org.apache.pekko.japi.function.Function;

/**
 * One inbound message as a transport's framing read it. When {@code tooLarge}, the message was over
 * the frame limit and {@code bytes} holds only its first bytes (at most the rid scan's), where its
 * rid may be read; the rest was dropped unread. {@link #KEEPALIVE} (compared by identity) is
 * traffic without a frame, e.g. a WebSocket ping.
 */
record RawFrame(byte[] bytes, boolean tooLarge) {
  static final RawFrame KEEPALIVE = new RawFrame(new byte[0]);

  private static final Codec.Decoded KEEPALIVE_DECODED = new Codec.Decoded(null, null);

  RawFrame(byte[] bytes) {
    this(bytes, false);
  }

  /** A message over the limit, of which {@code head} is the start. */
  static RawFrame tooLarge(byte[] head) {
    return new RawFrame(head, true);
  }

  /** Decodes what a framing passes up, its keep-alives and oversized messages too. */
  static Function<RawFrame, Codec.Decoded> decoder(Codec codec, int maxFrameBytes) {
    return raw ->
        raw == KEEPALIVE
            ? KEEPALIVE_DECODED
            : raw.tooLarge()
                ? codec.tooLarge(raw.bytes(), maxFrameBytes)
                : codec.decode(raw.bytes());
  }
}
