package io.parley.edge.transport;

import static io.parley.edge.transport.WebSocketFrames.BINARY;
import static io.parley.edge.transport.WebSocketFrames.CLOSE;
import static io.parley.edge.transport.WebSocketFrames.PING;
import static io.parley.edge.transport.WebSocketFrames.POLICY;
import static io.parley.edge.transport.WebSocketFrames.PONG;
import static io.parley.edge.transport.WebSocketFrames.PROTOCOL_ERROR;
import static io.parley.edge.transport.WebSocketFrames.SERVER_ERROR;
import static io.parley.edge.transport.WebSocketFrames.TEXT;
import static io.parley.edge.transport.WebSocketFrames.closeCode;
import static io.parley.edge.transport.WebSocketFrames.closeFrame;
import static io.parley.edge.transport.WebSocketFrames.echoedCloseCode;
import static io.parley.edge.transport.WebSocketFrames.frame;

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
 * (fragments joined, masks removed, oversized ones dropped without being held: {@link
 * WebSocketReader}); session frames in, unmasked single frames out. Pings are answered here and
 * passed up as traffic; a close from the client is echoed; when the session ends, its close code
 * goes out in a close frame.
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

  private final Inlet<ByteString> fromNet = Inlet.create("ws.fromNet");
  private final Outlet<RawFrame> toSession = Outlet.create("ws.toSession");
  private final Inlet<ByteString> fromSession = Inlet.create("ws.fromSession");
  private final Outlet<ByteString> toNet = Outlet.create("ws.toNet");
  private final BidiShape<ByteString, RawFrame, ByteString, ByteString> shape =
      BidiShape.of(fromNet, toSession, fromSession, toNet);

  private final int maxMessageBytes;
  private final int ridScanBytes;
  private final int dataOpcode;
  private final Outbox outbox;
  private final ByteString greeting;
  private final ByteString pending;

  /**
   * Session frames go out as binary frames when {@code binary}, else as text frames. {@code
   * greeting} is written before any frame; {@code pending} is read before the socket's next bytes.
   * Of a message over {@code maxMessageBytes}, the first {@code ridScanBytes} are passed up.
   */
  WebSocketFraming(
      int maxMessageBytes,
      int ridScanBytes,
      boolean binary,
      Outbox outbox,
      ByteString greeting,
      ByteString pending) {
    this.maxMessageBytes = maxMessageBytes;
    this.ridScanBytes = ridScanBytes;
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
    private final WebSocketReader reader =
        new WebSocketReader(maxMessageBytes, ridScanBytes, pending);
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
              reader.add(grab(fromNet));
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
        int next = reader.next();
        if (next == WebSocketReader.MORE) break;
        if (next == WebSocketReader.BROKEN) {
          closeWith(PROTOCOL_ERROR, reader.problem());
          break;
        }
        if (frameRead()) return;
      }
      if (!closing && !hasBeenPulled(fromNet) && !isClosed(fromNet)) pull(fromNet);
    }

    /** A frame's payload is complete; true when something was passed up (reading resumes after). */
    private boolean frameRead() {
      switch (reader.opcode()) {
        case PING:
          answer(frame(PONG, reader.takeControl()));
          return passUp(RawFrame.KEEPALIVE);
        case PONG:
          reader.takeControl();
          return passUp(RawFrame.KEEPALIVE);
        case CLOSE:
          closeWith(echoedCloseCode(reader.takeControl()), "");
          return true;
        default:
          RawFrame whole = reader.takeMessage();
          return whole != null && passUp(whole);
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
