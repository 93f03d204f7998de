package io.parley.edge;

import io.parley.edge.Connection.Outbound;
import io.parley.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * A socket's outbound queue, counting the frames that wait in it so the push queue depth can be
 * measured. Written to by the connection actor and by the node's room registry, from any
 * thread; drained by the socket's stream. A bounded linked queue rather than an actor source:
 * an offer is no actor message, and an idle socket keeps no preallocated buffer.
 */
public final class Outbox {
  private final AtomicLong waiting = new AtomicLong();
  private volatile BoundedSourceQueue<Outbound> queue;
  // Frames told before the socket's stream was materialized (in practice none: the connection
  // writes only in answer to inbound frames, which flow after materialization).
  private List<Outbound> early = new ArrayList<>();
  private volatile ActorRef<?> owner;
  // Why the session closed the socket (null: no error), for transports that can say so.
  private volatile Outbound.Close closedBy;
  // Who wants a nudge once fewer frames than its mark wait (one session pacing its catch-up).
  private final java.util.concurrent.atomic.AtomicReference<RoomWaiter> roomWaiter =
      new java.util.concurrent.atomic.AtomicReference<>();

  private record RoomWaiter(int below, Runnable nudge) {}

  /** The socket's stream is materialized: its queue takes the frames from now on. */
  void attach(BoundedSourceQueue<Outbound> materialized) {
    List<Outbound> before;
    synchronized (this) {
      queue = materialized;
      before = early;
      early = null;
    }
    before.forEach(this::tell);
  }

  /** A Close completes the socket once the frames queued before it are written. */
  void tell(Outbound frame) {
    if (queue == null) {
      synchronized (this) {
        if (queue == null) {
          early.add(frame);
          return;
        }
      }
    }
    if (frame instanceof Outbound.Close close) {
      closedBy = close;
      closeQueue();
      return;
    }
    QueueOfferResult result = queue.offer(frame);
    if (result == QueueOfferResult.enqueued()) {
      waiting.incrementAndGet();
      Metrics.PUSH_QUEUE.incrementAndGet();
    } else if (result == QueueOfferResult.dropped()) {
      // A reader this slow is cut off rather than buffered without bound.
      failQueue(new SlowReader(queue.size()));
    }
    // Closed or failed: the socket is gone and nothing more will be written.
  }

  /** The stream took one frame off the queue. */
  void written() {
    long left = waiting.decrementAndGet();
    Metrics.PUSH_QUEUE.decrementAndGet();
    RoomWaiter w = roomWaiter.get();
    if (w != null && left < w.below() && roomWaiter.compareAndSet(w, null)) w.nudge().run();
  }

  /** Whether fewer than {@code frames} frames wait to be written. */
  boolean hasRoom(int frames) {
    return waiting.get() < frames;
  }

  /**
   * Runs {@code nudge} once fewer than {@code frames} frames wait (at once if that is already so):
   * a writer that paces itself by {@link #hasRoom} is woken when the socket has drained.
   */
  void whenRoom(int frames, Runnable nudge) {
    RoomWaiter w = new RoomWaiter(frames, nudge);
    roomWaiter.set(w);
    // The queue may have drained between the caller's check and the line above.
    if (hasRoom(frames) && roomWaiter.compareAndSet(w, null)) nudge.run();
  }

  /** The socket is gone: whatever still waited will never be written. */
  void closed() {
    Metrics.PUSH_QUEUE.addAndGet(-waiting.getAndSet(0));
  }

  /** The Close that ended the socket, or null if it ended otherwise. */
  Outbound.Close closedBy() {
    return closedBy;
  }

  void ownedBy(ActorRef<?> connection) {
    this.owner = connection;
  }

  /** The socket's connection actor, to watch: it stops when the socket's stream ends. */
  ActorRef<?> ref() {
    return owner;
  }

  private void closeQueue() {
    try {
      queue.complete();
    } catch (IllegalStateException alreadyDone) {
      // closed twice, or failed first: either way the socket is ending
    }
  }

  private void failQueue(Throwable why) {
    try {
      queue.fail(why);
    } catch (IllegalStateException alreadyDone) {
      // already ending
    }
  }

  /** The socket's reader fell too far behind. */
  static final class SlowReader extends RuntimeException {
    SlowReader(int queued) {
      super("slow reader: " + queued + " frames queued; socket closed", null, false, false);
    }
  }
}
