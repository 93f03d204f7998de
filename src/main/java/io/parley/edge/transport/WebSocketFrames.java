package io.parley.edge.transport;

import io.parley.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;

/**
 * What the server writes on a WebSocket (RFC 6455), apart from reading it: unmasked frames, and
 * close frames with the codes the session's errors map to ({@link WebSocketFraming} reads and
 * writes with these).
 */
final class WebSocketFrames {
  private WebSocketFrames() {}

  static final int NORMAL = 1000;
  static final int GOING_AWAY = 1001;
  static final int PROTOCOL_ERROR = 1002;
  static final int POLICY = 1008;
  static final int SERVER_ERROR = 1011;
  static final int UNAUTHORIZED = 4401; // docs/protocol.md section 2

  static final int CONTINUATION = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;

  /** One frame, unmasked, as a server sends it. */
  static ByteString frame(int opcode, byte[] payload) {
    return frame(opcode, ByteString.fromArrayUnsafe(payload));
  }

  static ByteString frame(int opcode, ByteString payload) {
    int n = payload.size();
    int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    byte[] out = new byte[header + n];
    out[0] = (byte) (0x80 | opcode);
    if (n < 126) {
      out[1] = (byte) n;
    } else if (n <= 0xFFFF) {
      out[1] = 126;
      out[2] = (byte) (n >>> 8);
      out[3] = (byte) n;
    } else {
      out[1] = 127;
      for (int i = 0; i < 8; i++) out[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
    }
    payload.copyToArray(out, header, n);
    return ByteString.fromArrayUnsafe(out);
  }

  /** The close code for a session the server ended after sending this error. */
  static int closeCode(ErrorCode why) {
    if (why == null) return NORMAL;
    return switch (why) {
      case UNAUTHORIZED -> UNAUTHORIZED;
      case UNAVAILABLE -> GOING_AWAY;
      default -> POLICY;
    };
  }

  /**
   * The code a server echoes to a client's close frame: the client's (1000 if it gave none), unless
   * it is one that must never be sent; then 1002.
   */
  static int echoedCloseCode(byte[] payload) {
    int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : NORMAL;
    boolean sendable =
        code >= 1000 && code < 5000 && code != 1004 && code != 1005 && code != 1006 && code != 1015;
    return sendable ? code : PROTOCOL_ERROR;
  }

  static ByteString closeFrame(int code, String reason) {
    byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
    // A control frame carries at most 125 bytes: the code and 123 of the reason.
    int n = Math.min(text.length, 123);
    byte[] payload = new byte[2 + n];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, n);
    return frame(CLOSE, payload);
  }
}
