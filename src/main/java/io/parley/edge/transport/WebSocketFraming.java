package io.parley.edge.transport;

import static io.parley.edge.transport.WebSocketFrames.BINARY;
import static io.parley.edge.transport.WebSocketFrames.CLOSE;
import static io.parley.edge.transport.WebSocketFrames.CONTINUATION;
import static io.parley.edge.transport.WebSocketFrames.NORMAL;
import static io.parley.edge.transport.WebSocketFrames.PING;
import static io.parley.edge.transport.WebSocketFrames.POLICY;
import static io.parley.edge.transport.WebSocketFrames.PONG;
import static io.parley.edge.transport.WebSocketFrames.PROTOCOL_ERROR;
import static io.parley.edge.transport.WebSocketFrames.SERVER_ERROR;
import static io.parley.edge.transport.WebSocketFrames.TEXT;
import static io.parley.edge.transport.WebSocketFrames.closeCode;
import static io.parley.edge.transport.WebSocketFrames.closeFrame;
import static io.parley.edge.transport.WebSocketFrames.frame;

import java.util.Arrays;
import org.apache.pekko.japi.function.Effect;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * RFC 6455 framing on the server side, in one stage: socket bytes in, whole client messages out
 * (fragments joined, masks removed, oversized ones dropped without being held); session frames in,
 * unmasked single frames out. Pings are answered here and passed up as traffic; a close from the
 * client is echoed; when the session ends, its close code goes out in a close frame.
 *
 * <p>What the stage holds for the socket is bounded whatever the client does: at most one pong
 * (pings that arrive while the socket is not being read are answered by one pong, with the latest
 * ping's payload, as RFC 6455 section 5.5.3 allows), one session frame, and one close frame.
 *
 * <p>Why not Pekko HTTP's WebSocket message layer: it materializes a sub-stream for every message
 * in each direction, which cost more CPU than the rest of the socket path together, and it cannot
 * send application close codes (docs/protocol.md's 4401).
 */
final class WebSocketFraming
    extends GraphStage<BidiShape<ByteString, RawFrame, ByteString, ByteString>> {

  private static final byte[] NO_BYTES = new byte[0];

  private final Inlet<ByteString> fromNet = Inlet.create("ws.fromNet");
  private final Outlet<RawFrame> toSession = Outlet.create("ws.toSession");
  private final Inlet<ByteString> fromSession = Inlet.create("ws.fromSession");
  private final Outlet<ByteString> toNet = Outlet.create("ws.toNet");
  private final BidiShape<ByteString, RawFrame, ByteString, ByteString> shape =
      BidiShape.of(fromNet, toSession, fromSession, toNet);

  private final int maxMessageBytes;
  private final int dataOpcode;
  private final Outbox outbox;
  private final ByteString greeting;
  private final ByteString pending;

  /**
   * Session frames go out as binary frames when {@code binary}, else as text frames. {@code
   * greeting} is written before any frame; {@code pending} is read before the socket's next bytes.
   */
  WebSocketFraming(
      int maxMessageBytes, boolean binary, Outbox outbox, ByteString greeting, ByteString pending) {
    this.maxMessageBytes = maxMessageBytes;
    this.dataOpcode = binary ? BINARY : TEXT;
    this.outbox = outbox;
    this.greeting = greeting;
    this.pending = pending;
  }

  @Override
  public BidiShape<ByteString, RawFrame, ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  private final class Logic extends GraphStageLogic {
    private ByteString buffer = pending;
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
    private boolean closing;
    // Waiting for the socket to take them: the answer to the latest ping, and a session frame.
    private ByteString pong;
    private ByteString data;

    Logic() {
      super(shape);
      setHandler(
          fromNet,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              buffer = buffer.concat(grab(fromNet));
              read();
            }

            @Override
            public void onUpstreamFinish() {
              // The client went away without a close frame: the session ends; whatever it still
              // writes has nowhere to go.
              complete(toSession);
            }
          });
      setHandler(
          toSession,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              read();
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              // The session stopped reading; keep draining the socket until its end is written.
              drainInput();
            }
          });
      setHandler(
          fromSession,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              ByteString taken = grab(fromSession);
              outbox.written(taken.size());
              ByteString out = frame(dataOpcode, taken);
              // Pulled when the socket was ready, but a pong may have taken that turn.
              if (isAvailable(toNet)) push(toNet, out);
              else data = out;
            }

            @Override
            public void onUpstreamFinish() {
              Outbound.Close close = outbox.closedBy();
              closeWith(
                  closeCode(close == null ? null : close.why()),
                  close == null ? "" : close.reason());
            }

            @Override
            public void onUpstreamFailure(Throwable ex) {
              if (ex instanceof Outbox.SlowReader) closeWith(POLICY, ex.getMessage());
              else closeWith(SERVER_ERROR, "server error");
            }
          });
      setHandler(
          toNet,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              if (pong != null) {
                push(toNet, takePong());
              } else if (data != null) {
                push(toNet, data);
                data = null;
              } else if (!hasBeenPulled(fromSession) && !isClosed(fromSession)) {
                pull(fromSession);
              }
            }
          });
    }

    @Override
    public void preStart() {
      if (!greeting.isEmpty()) emit(toNet, greeting);
      read();
    }

    /** Reads frames until one needs passing up, or more bytes are needed. */
    private void read() {
      while (!closing) {
        if (!inPayload) {
          if (!readHeader()) break;
        } else if (remaining > 0) {
          if (buffer.isEmpty()) break;
          int n = (int) Math.min(remaining, buffer.size());
          take(buffer.take(n));
          buffer = buffer.drop(n);
          remaining -= n;
        }
        if (inPayload && remaining == 0) {
          inPayload = false;
          if (frameRead()) return;
        }
      }
      if (!closing && !hasBeenPulled(fromNet) && !isClosed(fromNet)) pull(fromNet);
    }

    /** Parses the next header if it is all there; false when more bytes are needed. */
    private boolean readHeader() {
      if (buffer.size() < 2) return false;
      int b0 = buffer.apply(0) & 0xFF;
      int b1 = buffer.apply(1) & 0xFF;
      int length = b1 & 0x7F;
      int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
      int headerSize = 2 + extra + 4;
      if (buffer.size() < headerSize) return false;
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
      String problem = problem(b0, b1, payloadLength);
      if (problem != null) {
        closeWith(PROTOCOL_ERROR, problem);
        return false;
      }
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
        // Room for this frame's payload; past the limit what was kept is dropped, the rest counted.
        tooLarge = messageLength + payloadLength > maxMessageBytes;
        message = tooLarge ? null : Arrays.copyOf(message, messageLength + (int) payloadLength);
      }
      inPayload = true;
      remaining = payloadLength;
      maskOffset = 0;
      return true;
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
     * Unmasks and keeps a piece of the current frame's payload (its buffer has room for all of it).
     */
    private void take(ByteString piece) {
      int n = piece.size();
      boolean isControl = opcode >= CLOSE;
      if (!isControl && tooLarge) {
        maskOffset += n;
        return;
      }
      byte[] into = isControl ? control : message;
      int at = isControl ? controlLength : messageLength;
      piece.copyToArray(into, at, n);
      for (int i = 0; i < n; i++) into[at + i] ^= mask[(int) ((maskOffset + i) & 3)];
      maskOffset += n;
      if (isControl) controlLength += n;
      else messageLength += n;
    }

    /** The control frame's payload, whole (frameRead comes once all of it is read). */
    private byte[] takeControl() {
      byte[] payload = control;
      control = null;
      return payload;
    }

    /** A frame's payload is complete; true when something was passed up (reading resumes after). */
    private boolean frameRead() {
      switch (opcode) {
        case PING:
          answer(frame(PONG, takeControl()));
          return passUp(RawFrame.KEEPALIVE);
        case PONG:
          control = null;
          return passUp(RawFrame.KEEPALIVE);
        case CLOSE:
          byte[] payload = takeControl();
          int code =
              payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : NORMAL;
          // Echo the client's code, unless it is one that must never be sent.
          boolean sendable =
              code >= 1000
                  && code < 5000
                  && code != 1004
                  && code != 1005
                  && code != 1006
                  && code != 1015;
          closeWith(sendable ? code : PROTOCOL_ERROR, "");
          return true;
        default:
          if (!fin) return false;
          // Whole: each frame's bytes were read into room made for exactly them.
          RawFrame whole = tooLarge ? RawFrame.TOO_LARGE : new RawFrame(message);
          inMessage = false;
          message = null;
          return passUp(whole);
      }
    }

    /** Writes the pong now if the socket is ready, else keeps it in place of an older one. */
    private void answer(ByteString answer) {
      if (isAvailable(toNet)) {
        push(toNet, answer);
        return;
      }
      outbox.transportHolds(answer.size() - (pong == null ? 0 : pong.size()));
      pong = answer;
    }

    private ByteString takePong() {
      ByteString taken = pong;
      pong = null;
      outbox.transportHolds(-taken.size());
      return taken;
    }

    private boolean passUp(RawFrame raw) {
      if (isClosed(toSession)) return false;
      emit(toSession, raw, (Effect) this::read);
      return true;
    }

    /** Reads and drops the socket's bytes until the connection ends. */
    private void drainInput() {
      setHandler(
          fromNet,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              grab(fromNet);
              pull(fromNet);
            }
          });
      if (!isClosed(fromNet) && !hasBeenPulled(fromNet)) pull(fromNet);
    }

    /**
     * Writes a close frame after what is queued for the socket, then ends the socket's output. Its
     * input is drained, not cancelled: a cancelled input closes the connection at once, and on the
     * way through a sub-stream that can overtake the close frame still being written.
     */
    private void closeWith(int code, String reason) {
      if (closing) return;
      closing = true;
      if (!isClosed(toSession)) complete(toSession);
      if (!isClosed(fromSession)) cancel(fromSession);
      drainInput();
      if (isClosed(toNet)) {
        completeStage();
        return;
      }
      // What waits goes first: the pong answers pings read before the close, and the session's
      // last frame (often the error that explains the close) must precede it.
      if (pong != null) emit(toNet, takePong());
      if (data != null) {
        emit(toNet, data);
        data = null;
      }
      emit(toNet, closeFrame(code, reason), (Effect) () -> complete(toNet));
    }
  }
}
