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
      // The first bytes, in one array (not a rope of chunks: a head trickling in byte by byte
      // would make every look at it walk all the pieces).
      private byte[] seen = new byte[0];
      private int length;
      private int searchFrom;
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
            append(bytes);
            if (!WebSocketHandshake.decidable(seen, length, searchFrom, maxHeadBytes)) {
              searchFrom = WebSocketHandshake.searchedUpTo(length);
              pull(in);
              return;
            }
            decided = true;
            push(out, held());
          }

          @Override
          public void onUpstreamFinish() {
            if (!decided && length > 0) emit(out, held());
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

      private void append(ByteString bytes) {
        if (length + bytes.size() > seen.length) {
          seen = java.util.Arrays.copyOf(seen, Math.max(2 * seen.length, length + bytes.size()));
        }
        bytes.copyToArray(seen, length, bytes.size());
        length += bytes.size();
      }

      private ByteString held() {
        ByteString all = ByteString.fromArrayUnsafe(seen, 0, length);
        seen = null;
        return all;
      }
    };
  }
}
