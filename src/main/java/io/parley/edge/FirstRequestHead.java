package io.parley.edge;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Holds a connection's first bytes back until they tell which server should have them ({@link
 * WebSocketHandshake#decidable}), emits them as one element, then passes bytes straight through.
 */
final class FirstRequestHead extends GraphStage<FlowShape<ByteString, ByteString>> {
  private final Inlet<ByteString> in = Inlet.create("head.in");
  private final Outlet<ByteString> out = Outlet.create("head.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final int maxHeadBytes;

  FirstRequestHead(int maxHeadBytes) {
    this.maxHeadBytes = maxHeadBytes;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private ByteString seen = ByteString.emptyByteString();
      private boolean decided;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            ByteString bytes = grab(in);
            if (decided) {
              push(out, bytes);
              return;
            }
            seen = seen.concat(bytes);
            if (!WebSocketHandshake.decidable(seen, maxHeadBytes)) {
              pull(in);
              return;
            }
            decided = true;
            push(out, seen);
            seen = null;
          }

          @Override
          public void onUpstreamFinish() {
            if (!decided && !seen.isEmpty()) emit(out, seen);
            completeStage();
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }
        });
      }
    };
  }
}
