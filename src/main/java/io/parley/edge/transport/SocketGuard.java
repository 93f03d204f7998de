package io.parley.edge.transport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SubscriptionWithCancelException;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import scala.concurrent.duration.FiniteDuration;

/**
 * The stage next to a socket, on both ports: resets the socket when its writes stall, and says when
 * the socket has ended ({@code onEnd}, e.g. to give back its connection slot).
 *
 * <p>A client that stops reading fills the kernel's buffers, then the socket's write buffer ({@code
 * parley.edge.socket-buffer-bytes}), after which the socket stops taking bytes. Bytes that wait
 * longer than the write-stall timeout (or a close that cannot be written within it) reset the
 * socket. Without this such a socket stayed forever: its session's own close only completes the
 * stream, and a completed stream waits for its last bytes to be written before the socket closes.
 * The reset is a failed cancellation of the socket's read side, which the socket layer answers with
 * an abort (as Pekko's TCP stage did); that is why the read side is held open, not cancelled, until
 * the socket is closed.
 *
 * <p>Costs an idle socket one stage and no timer: the clock runs only while bytes wait.
 */
final class SocketGuard
    extends GraphStage<BidiShape<ByteString, ByteString, ByteString, ByteString>> {
  private final Inlet<ByteString> fromNet = Inlet.create("guard.fromNet");
  private final Outlet<ByteString> toApp = Outlet.create("guard.toApp");
  private final Inlet<ByteString> fromApp = Inlet.create("guard.fromApp");
  private final Outlet<ByteString> toNet = Outlet.create("guard.toNet");
  private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape =
      BidiShape.of(fromNet, toApp, fromApp, toNet);
  private final long stallNanos;
  private final Runnable onEnd;

  private SocketGuard(Duration writeStall, Runnable onEnd) {
    this.stallNanos = writeStall.toNanos();
    this.onEnd = onEnd;
  }

  /** Socket bytes in on top, socket bytes out at the bottom: {@code guard.join(server)}. */
  static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> create(
      Duration writeStall, Runnable onEnd) {
    return BidiFlow.fromGraph(new SocketGuard(writeStall, onEnd));
  }

  @Override
  public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
    return shape;
  }

  /** The socket took no bytes for the write-stall timeout. */
  static final class WriteStalled extends RuntimeException {
    WriteStalled(Duration after) {
      super(
          "no bytes written for " + after + ": the client does not read; socket reset",
          null,
          false,
          false);
    }
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      // Bytes the socket has not taken yet (it takes the next ones only after writing these).
      private ByteString held;
      // When bytes started waiting for the socket, or the writes ended and the close waits for
      // them (System.nanoTime); 0 while the socket keeps up.
      private long waitingSince;
      // The stall check while one is scheduled, and its way back into the stage (made at the
      // first wait). A scheduled task, not a TimerGraphStageLogic timer: that one's timer map
      // and id generator (~0.15 KB) stayed with every socket, most of which never wait.
      private Cancellable clock;
      private AsyncCallback<NotUsed> clockRang;
      private boolean appDone;

      {
        setHandler(
            fromNet,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString bytes = grab(fromNet);
                if (isClosed(toApp))
                  pull(fromNet); // the server no longer reads: drop, as TCP would
                else push(toApp, bytes);
              }

              @Override
              public void onUpstreamFinish() {
                if (!isClosed(toApp)) complete(toApp);
              }

              @Override
              public void onUpstreamFailure(Throwable ex) {
                if (!isClosed(toApp)) fail(toApp, ex);
              }
            });
        setHandler(
            toApp,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(fromNet);
              }

              @Override
              public void onDownstreamFinish(Throwable cause) {
                if (!(cause instanceof SubscriptionWithCancelException.NonFailureCancellation)) {
                  cancel(fromNet, cause);
                } else if (!hasBeenPulled(fromNet) && !isClosed(fromNet)) {
                  pull(fromNet);
                }
              }
            });
        setHandler(
            fromApp,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString bytes = grab(fromApp);
                if (isAvailable(toNet)) {
                  push(toNet, bytes);
                  pull(fromApp);
                } else {
                  held = bytes;
                  startClock();
                }
              }

              @Override
              public void onUpstreamFinish() {
                appDone = true;
                if (held == null) finishWrites();
              }

              @Override
              public void onUpstreamFailure(Throwable ex) {
                failStage(ex);
              }
            });
        setHandler(
            toNet,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                if (held == null) return;
                push(toNet, held);
                held = null;
                waitingSince = 0;
                if (appDone) finishWrites();
                else pull(fromApp);
              }
            });
      }

      @Override
      public void preStart() {
        pull(fromApp);
      }

      @Override
      public void postStop() {
        if (clock != null) clock.cancel();
        onEnd.run();
      }

      /** The last bytes are handed over; the socket closes once it has written them. */
      private void finishWrites() {
        complete(toNet);
        startClock();
      }

      private void startClock() {
        waitingSince = System.nanoTime();
        if (clock == null) schedule(stallNanos);
      }

      // One check for the whole wait, moved on lazily: a socket that keeps up never reschedules.
      private void onClock() {
        clock = null;
        if (waitingSince == 0) return;
        long waited = System.nanoTime() - waitingSince;
        if (waited >= stallNanos) failStage(new WriteStalled(Duration.ofNanos(stallNanos)));
        else schedule(stallNanos - waited);
      }

      private void schedule(long nanos) {
        if (clockRang == null) clockRang = createAsyncCallback(rang -> onClock());
        AsyncCallback<NotUsed> rang = clockRang;
        clock =
            materializer()
                .scheduleOnce(
                    FiniteDuration.create(nanos, TimeUnit.NANOSECONDS),
                    () -> rang.invoke(NotUsed.getInstance()));
      }
    };
  }
}
