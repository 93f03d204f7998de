package io.parley.edge.transport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import scala.concurrent.duration.FiniteDuration;

/**
 * Holds a connection's first bytes back until they tell which server should have them ({@link
 * WebSocketHandshake#decidable}), or with {@code wholeHead} until the first request head is
 * complete; emits them as one element, then passes bytes straight through.
 *
 * <p>The first request head must be complete within {@code headTimeout} of the connection opening,
 * whichever server then has it (a REST head too): otherwise the connection is reset. Without this,
 * a head that never ended held its connection forever (a slow-loris): the hello timeout starts only
 * after an upgrade, and Pekko HTTP's idle timeout only once it has the bytes.
 */
final class FirstRequestHead extends GraphStage<FlowShape<ByteString, ByteString>> {
  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private final Inlet<ByteString> in = Inlet.create("head.in");
  private final Outlet<ByteString> out = Outlet.create("head.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final int maxHeadBytes;
  private final Duration headTimeout;
  private final boolean wholeHead;

  FirstRequestHead(int maxHeadBytes, Duration headTimeout, boolean wholeHead) {
    this.maxHeadBytes = maxHeadBytes;
    this.headTimeout = headTimeout;
    this.wholeHead = wholeHead;
  }

  /** The first request head did not end within the timeout. */
  static final class HeadTimeout extends RuntimeException {
    HeadTimeout(Duration timeout) {
      super(
          "no complete request head within " + timeout + "; connection reset", null, false, false);
    }
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
      // How much of the blank line ending the first head the bytes so far end with (4: ended).
      private int headEndMatched;
      // The head timeout until the head has ended. A scheduled task, not a TimerGraphStageLogic
      // timer: that one's timer map and id generator (~0.15 KB) stayed with every WebSocket,
      // which keeps this stage for its life.
      private Cancellable headTimer;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString bytes = grab(in);
                if (headEndMatched < HEAD_END.length) watchHeadEnd(bytes);
                if (decided) {
                  push(out, bytes);
                  return;
                }
                append(bytes);
                boolean ready =
                    wholeHead
                        ? headEndMatched == HEAD_END.length || length > maxHeadBytes
                        : WebSocketHandshake.decidable(seen, length, searchFrom, maxHeadBytes);
                if (!ready) {
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
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
              }
            });
      }

      @Override
      public void preStart() {
        AsyncCallback<NotUsed> expired =
            createAsyncCallback(
                ignored -> {
                  if (headTimer != null) failStage(new HeadTimeout(headTimeout));
                });
        headTimer =
            materializer()
                .scheduleOnce(
                    FiniteDuration.create(headTimeout.toNanos(), TimeUnit.NANOSECONDS),
                    () -> expired.invoke(NotUsed.getInstance()));
      }

      @Override
      public void postStop() {
        cancelHeadTimer();
      }

      private void cancelHeadTimer() {
        if (headTimer == null) return;
        headTimer.cancel();
        headTimer = null;
      }

      private void watchHeadEnd(ByteString bytes) {
        for (int i = 0; i < bytes.size() && headEndMatched < HEAD_END.length; i++) {
          byte b = bytes.apply(i);
          headEndMatched = b == HEAD_END[headEndMatched] ? headEndMatched + 1 : b == '\r' ? 1 : 0;
        }
        if (headEndMatched == HEAD_END.length) cancelHeadTimer();
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
