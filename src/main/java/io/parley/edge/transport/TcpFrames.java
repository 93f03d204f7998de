package io.parley.edge.transport;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.scaladsl.Framing;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Raw TCP's inbound framing: a 4-byte big-endian length, then that many bytes. A frame over {@code
 * maxFrameBytes} is passed up as too large with only its first {@code ridScanBytes} (its rid may be
 * read there); the rest is dropped as it arrives, never held, and the frames after it are read as
 * usual. A length of 2 GiB or more fails the stream: the connection closes. So what a socket holds
 * here is at most one frame under the limit and one read of the socket. One stage for every
 * connection; each materialization has its own state.
 */
final class TcpFrames extends GraphStage<FlowShape<ByteString, RawFrame>> {
  private static final int PREFIX = 4;

  private final Inlet<ByteString> in = Inlet.create("tcp.frames.in");
  private final Outlet<RawFrame> out = Outlet.create("tcp.frames.out");
  private final FlowShape<ByteString, RawFrame> shape = FlowShape.of(in, out);
  private final int maxFrameBytes;
  private final int ridScanBytes;

  TcpFrames(int maxFrameBytes, int ridScanBytes) {
    this.maxFrameBytes = maxFrameBytes;
    this.ridScanBytes = ridScanBytes;
  }

  @Override
  public FlowShape<ByteString, RawFrame> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  private final class Logic extends GraphStageLogic {
    private ByteString buffer = ByteString.emptyByteString();
    // An oversized frame being dropped: the bytes still to come, and its start kept so far.
    private long skipping;
    private byte[] head;
    private int headLength;

    Logic() {
      super(shape);
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              buffer = buffer.concat(grab(in));
              next();
            }

            @Override
            public void onUpstreamFinish() {
              // A frame cut off by the end of the connection is not a frame.
              if (isAvailable(out)) completeStage();
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              next();
            }
          });
    }

    /** Passes up the next frame if it is all there and wanted; otherwise reads on. */
    private void next() {
      if (!isAvailable(out)) return;
      RawFrame frame = read();
      if (frame != null) push(out, frame);
      else if (isClosed(in)) completeStage();
      else if (!hasBeenPulled(in)) pull(in);
    }

    /** The next whole frame in the buffer, or null when more bytes are needed. */
    private RawFrame read() {
      while (true) {
        if (skipping > 0) {
          int n = (int) Math.min(skipping, buffer.size());
          int kept = Math.min(n, head.length - headLength);
          buffer.take(kept).copyToArray(head, headLength, kept);
          headLength += kept;
          buffer = buffer.drop(n);
          skipping -= n;
          if (skipping > 0) return null;
          byte[] start = java.util.Arrays.copyOf(head, headLength);
          head = null;
          return RawFrame.tooLarge(start);
        }
        if (buffer.size() < PREFIX) return null;
        int length = buffer.iterator().getInt(ORDER);
        // 2 GiB or more is no frame but bytes out of step (or an attack): the connection ends.
        if (length < 0) throw new Framing.FramingException("frame length out of range");
        if (length > maxFrameBytes) {
          buffer = buffer.drop(PREFIX);
          skipping = length;
          head = new byte[ridScanBytes];
          headLength = 0;
          continue;
        }
        if (buffer.size() < PREFIX + length) return null;
        byte[] frame = buffer.slice(PREFIX, PREFIX + length).toArray();
        buffer = buffer.drop(PREFIX + length);
        return new RawFrame(frame);
      }
    }
  }

  private static final java.nio.ByteOrder ORDER = java.nio.ByteOrder.BIG_ENDIAN;
}
