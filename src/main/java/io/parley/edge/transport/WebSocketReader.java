package io.parley.edge.transport;

import static io.parley.edge.transport.WebSocketFrames.BINARY;
import static io.parley.edge.transport.WebSocketFrames.CLOSE;
import static io.parley.edge.transport.WebSocketFrames.CONTINUATION;
import static io.parley.edge.transport.WebSocketFrames.PONG;
import static io.parley.edge.transport.WebSocketFrames.TEXT;

import java.util.Arrays;
import org.apache.pekko.util.ByteString;

/**
 * Reads a client's RFC 6455 frames from the socket's bytes, for {@link WebSocketFraming}: checks
 * each header, removes the masks, joins a message's fragments, and counts (without holding) the
 * bytes of a message over the limit, but for its first {@code ridScanBytes}, where its rid may be
 * read. One per socket, used by its stage alone.
 */
final class WebSocketReader {
  /** What {@link #next} found. */
  static final int MORE = 0, FRAME = 1, BROKEN = 2;

  private static final byte[] NO_BYTES = new byte[0];

  private final int maxMessageBytes;
  private final int ridScanBytes;
  private ByteString buffer;
  // The frame being read: its payload is consumed as it arrives.
  private boolean inPayload;
  private int opcode;
  private boolean fin;
  private long remaining;
  private final byte[] mask = new byte[4];
  private long maskOffset;
  // The message being assembled (data frames) and the control frame's payload: each made when
  // its frame's header is read, at the length it announces, and let go once passed on, so an
  // idle socket holds neither (two kept buffers were ~170 bytes of every socket).
  private boolean inMessage;
  private byte[] message;
  private int messageLength;
  private boolean tooLarge;
  private byte[] control;
  private int controlLength;
  private String problem;

  /** {@code pending}: bytes that came in before the socket's first read. */
  WebSocketReader(int maxMessageBytes, int ridScanBytes, ByteString pending) {
    this.maxMessageBytes = maxMessageBytes;
    this.ridScanBytes = ridScanBytes;
    this.buffer = pending;
  }

  void add(ByteString bytes) {
    buffer = buffer.concat(bytes);
  }

  /**
   * Reads on until a frame's payload is whole ({@link #FRAME}: see {@link #opcode}), more bytes are
   * needed ({@link #MORE}), or the client broke the protocol ({@link #BROKEN}: see {@link
   * #problem}).
   */
  int next() {
    while (true) {
      if (!inPayload) {
        int header = readHeader();
        if (header != FRAME) return header;
      } else if (remaining > 0) {
        if (buffer.isEmpty()) return MORE;
        int n = (int) Math.min(remaining, buffer.size());
        take(buffer.take(n));
        buffer = buffer.drop(n);
        remaining -= n;
      }
      if (inPayload && remaining == 0) {
        inPayload = false;
        return FRAME;
      }
    }
  }

  /** The opcode of the frame {@link #next} just read. */
  int opcode() {
    return opcode;
  }

  /** Why the client's last frame broke the protocol. */
  String problem() {
    return problem;
  }

  /** The control frame's payload, whole (it is read before the frame is reported). */
  byte[] takeControl() {
    byte[] payload = control;
    control = null;
    return payload;
  }

  /**
   * After a data frame: the whole message (TOO_LARGE if it was), or null until its last fragment.
   */
  RawFrame takeMessage() {
    if (!fin) return null;
    // Whole: each frame's bytes were read into room made for exactly them (too large: its start).
    RawFrame whole =
        tooLarge ? RawFrame.tooLarge(Arrays.copyOf(message, messageLength)) : new RawFrame(message);
    inMessage = false;
    message = null;
    return whole;
  }

  /** Parses the next header if it is all there: FRAME when it was, else MORE or BROKEN. */
  private int readHeader() {
    if (buffer.size() < 2) return MORE;
    int b0 = buffer.apply(0) & 0xFF;
    int b1 = buffer.apply(1) & 0xFF;
    int length = b1 & 0x7F;
    int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
    int headerSize = 2 + extra + 4;
    if (buffer.size() < headerSize) return MORE;
    long payloadLength = length;
    if (extra > 0) {
      payloadLength = 0;
      for (int i = 0; i < extra; i++)
        payloadLength = (payloadLength << 8) | (buffer.apply(2 + i) & 0xFF);
    }
    for (int i = 0; i < 4; i++) mask[i] = buffer.apply(2 + extra + i);
    buffer = buffer.drop(headerSize);
    fin = (b0 & 0x80) != 0;
    opcode = b0 & 0x0F;
    problem = problem(b0, b1, payloadLength);
    if (problem != null) return BROKEN;
    if (opcode == TEXT || opcode == BINARY) {
      inMessage = true;
      tooLarge = false;
      message = NO_BYTES;
      messageLength = 0;
    }
    if (opcode >= CLOSE) {
      control = new byte[(int) payloadLength]; // at most 125: checked above
      controlLength = 0;
    } else if (!tooLarge) {
      // Room for this frame's payload; past the limit only the start is kept, the rest counted.
      tooLarge = messageLength + payloadLength > maxMessageBytes;
      if (tooLarge) {
        messageLength = Math.min(messageLength, ridScanBytes);
        message = Arrays.copyOf(message, ridScanBytes);
      } else {
        message = Arrays.copyOf(message, messageLength + (int) payloadLength);
      }
    }
    inPayload = true;
    remaining = payloadLength;
    maskOffset = 0;
    return FRAME;
  }

  private String problem(int b0, int b1, long payloadLength) {
    if ((b0 & 0x70) != 0) return "reserved bits set (no extension was agreed)";
    if ((b1 & 0x80) == 0) return "client frames must be masked";
    if (payloadLength < 0) return "frame length out of range";
    boolean isControl = opcode >= CLOSE;
    if (isControl && opcode > PONG) return "unknown control opcode " + opcode;
    if (isControl && (!fin || payloadLength > 125))
      return "control frames must be whole and at most 125 bytes";
    if (!isControl && opcode > BINARY) return "unknown data opcode " + opcode;
    if (opcode == CONTINUATION && !inMessage) return "continuation without a message";
    if ((opcode == TEXT || opcode == BINARY) && inMessage)
      return "new message inside a fragmented one";
    return null;
  }

  /**
   * Unmasks and keeps a piece of the current frame's payload: all of it (its buffer has room), or
   * of a message over the limit what still fits the start kept for its rid.
   */
  private void take(ByteString piece) {
    boolean isControl = opcode >= CLOSE;
    int n =
        isControl || !tooLarge
            ? piece.size()
            : Math.min(piece.size(), ridScanBytes - messageLength);
    byte[] into = isControl ? control : message;
    int at = isControl ? controlLength : messageLength;
    piece.copyToArray(into, at, n);
    for (int i = 0; i < n; i++) into[at + i] ^= mask[(int) ((maskOffset + i) & 3)];
    maskOffset += piece.size();
    if (isControl) controlLength += n;
    else messageLength += n;
  }
}
