package io.parley.edge.net;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.SubscriptionWithCancelException;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * The two ends of a socket's stream on a {@link ChannelPipe}: what the socket read, and what it is
 * to write. Their semantics are those of Pekko's own TCP stages with half-close off: the stream's
 * output completing closes the socket after its bytes (FIN); the stream failing, or cancelling the
 * read side with a failure, resets it (RST); the client closing ends both.
 */
final class ChannelStages {
  private ChannelStages() {}

  static final class Reads extends GraphStage<SourceShape<ByteString>> {
    private final Outlet<ByteString> out = Outlet.create("socket.reads");
    private final SourceShape<ByteString> shape = SourceShape.of(out);
    private final ChannelPipe pipe;

    Reads(ChannelPipe pipe) {
      this.pipe = pipe;
    }

    @Override
    public SourceShape<ByteString> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
      return new GraphStageLogic(shape) {
        {
          // Obtained now, not in preStart: reads that arrive before the stage starts are kept
          // by the callback until it does.
          AsyncCallback<Void> woken =
              createAsyncCallback(
                  v -> {
                    pipe.readWoken();
                    deliver();
                  });
          pipe.readWake = woken::invoke;
          setHandler(
              out,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  deliver();
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                  if (cause instanceof SubscriptionWithCancelException.NonFailureCancellation)
                    pipe.discardReads();
                  else pipe.abort();
                  completeStage();
                }
              });
        }

        private void deliver() {
          if (!isAvailable(out)) return;
          // The end is read before the queue: whatever was read before the end is in it by then.
          Throwable end = pipe.readEnd;
          ByteString bytes = pipe.takeRead();
          if (bytes != null) push(out, bytes);
          else if (end == ChannelPipe.EOF) complete(out);
          else if (end != null) fail(out, end);
        }
      };
    }
  }

  static final class Writes extends GraphStage<SinkShape<ByteString>> {
    private final Inlet<ByteString> in = Inlet.create("socket.writes");
    private final SinkShape<ByteString> shape = SinkShape.of(in);
    private final ChannelPipe pipe;

    Writes(ChannelPipe pipe) {
      this.pipe = pipe;
    }

    @Override
    public SinkShape<ByteString> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
      return new GraphStageLogic(shape) {
        {
          AsyncCallback<Void> room = createAsyncCallback(v -> onRoom());
          pipe.writeWake = room::invoke;
          setHandler(
              in,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  pipe.write(grab(in));
                  pullIfRoom();
                }

                @Override
                public void onUpstreamFinish() {
                  ended = true;
                  pipe.closeAfterWrites();
                  completeStage();
                }

                @Override
                public void onUpstreamFailure(Throwable ex) {
                  ended = true;
                  pipe.abort();
                  failStage(ex);
                }
              });
        }

        // Whether the socket was told how to end (after its bytes, or at once).
        private boolean ended;

        @Override
        public void preStart() {
          pullIfRoom();
        }

        @Override
        public void postStop() {
          // Stopped from outside (the actor system terminating): the socket must not outlive it.
          if (!ended) pipe.abort();
        }

        private void pullIfRoom() {
          if (!pipe.channel.isActive()) {
            ended = true;
            completeStage();
            return;
          }
          if (pipe.writable() || !pipe.waitForRoom()) pull(in);
        }

        private void onRoom() {
          if (!isClosed(in) && !hasBeenPulled(in)) pullIfRoom();
          else if (!pipe.channel.isActive()) {
            ended = true;
            completeStage();
          }
        }
      };
    }
  }
}
