package io.parley.edge.transport;

import io.parley.metrics.Metrics;
import io.parley.protocol.Codec;
import io.parley.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.util.ByteString;

/**
 * A socket's outbound queue, bounded in frames and in bytes: a frame is encoded when it is offered,
 * so the bytes a socket holds are known before they are queued, and a reader that falls behind
 * either bound is closed ({@link SlowReader}). Written to by the connection actor and by the node's
 * room registry, from any thread; drained by the socket's stream. A bounded linked queue rather
 * than an actor source: an offer is no actor message, and an idle socket keeps no preallocated
 * buffer.
 */
public final class Outbox {
  private final AtomicLong waiting = new AtomicLong();
  // Encoded bytes in the queue, plus a pong the framing holds (queued or held: not yet written).
  private final AtomicLong heldBytes = new AtomicLong();
  private volatile BoundedSourceQueue<ByteString> queue;
  private Codec codec;
  private volatile long maxBytes;
  // Frames told before the socket's stream was materialized (in practice none: the connection
  // writes only in answer to inbound frames, which flow after materialization).
  private List<Outbound> early = new ArrayList<>();
  // The socket is closing or gone: nothing more is queued or counted.
  private boolean ended;
  private volatile ActorRef<?> owner;
  // Why the session closed the socket (null: no error), for transports that can say so.
  private volatile Outbound.Close closedBy;
  // Who wants a nudge once fewer frames than its mark wait (one session pacing its catch-up).
  private final java.util.concurrent.atomic.AtomicReference<RoomWaiter> roomWaiter =
      new java.util.concurrent.atomic.AtomicReference<>();

  private record RoomWaiter(int below, Runnable nudge) {}

  /**
   * The socket's stream is materialized: its queue takes the frames from now on, encoded with
   * {@code codec}, at most {@code maxBytes} of them at once.
   */
  public void attach(BoundedSourceQueue<ByteString> materialized, Codec codec, long maxBytes) {
    List<Outbound> before;
    synchronized (this) {
      this.codec = codec;
      this.maxBytes = maxBytes;
      queue = materialized;
      before = early;
      early = null;
    }
    before.forEach(this::tell);
  }

  /** A Close completes the socket once the frames queued before it are written. */
  public void tell(Outbound frame) {
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
    offer(encode(frame));
  }

  private ByteString encode(Outbound frame) {
    if (frame instanceof Outbound.Frame f) {
      if (f.frame() instanceof ServerFrame.Msg) Metrics.MESSAGES_OUT.increment();
      return ByteString.fromArrayUnsafe(codec.encode(f.frame()));
    }
    return ByteString.fromArrayUnsafe(((Outbound.Shared) frame).frame().encoded(codec));
  }

  /**
   * Under the lock so that a frame's bytes are counted exactly once: added when it is queued, given
   * back when it is refused, or when the socket has ended.
   */
  private synchronized void offer(ByteString bytes) {
    if (ended) return;
    int size = bytes.size();
    // Only this (locked) offer adds, and the stream only takes away: the check stays true.
    if (heldBytes.get() + size > maxBytes) {
      slowReader(new SlowReader(heldBytes.get() + " bytes (and " + size + " more)"));
      return;
    }
    QueueOfferResult result = queue.offer(bytes);
    if (result == QueueOfferResult.enqueued()) {
      waiting.incrementAndGet();
      Metrics.PUSH_QUEUE.incrementAndGet();
      hold(size);
    } else if (result == QueueOfferResult.dropped()) {
      slowReader(new SlowReader(queue.size() + " frames"));
    }
    // Closed or failed: the socket is gone and nothing more will be written.
  }

  /** The stream took one frame of {@code size} bytes off the queue. */
  void written(int size) {
    long left = waiting.decrementAndGet();
    Metrics.PUSH_QUEUE.decrementAndGet();
    heldBytes.addAndGet(-size);
    Metrics.OUTBOUND_BYTES.addAndGet(-size);
    RoomWaiter w = roomWaiter.get();
    if (w != null && left < w.below() && bytesHaveRoom() && roomWaiter.compareAndSet(w, null))
      w.nudge().run();
  }

  /**
   * Whether fewer than {@code frames} frames wait to be written, and less than half the byte bound:
   * a writer that paces itself by this never makes the socket a slow reader, whatever the size of
   * its frames (a catch-up of 500 entries of 16 KiB is 8 to 48 MB).
   */
  public boolean hasRoom(int frames) {
    return waiting.get() < frames && bytesHaveRoom();
  }

  private boolean bytesHaveRoom() {
    return heldBytes.get() < maxBytes / 2;
  }

  /**
   * Runs {@code nudge} once the outbox {@link #hasRoom} (at once if it already has): a writer that
   * paces itself by it is woken when the socket has drained.
   */
  public void whenRoom(int frames, Runnable nudge) {
    RoomWaiter w = new RoomWaiter(frames, nudge);
    roomWaiter.set(w);
    // The queue may have drained between the caller's check and the line above.
    if (hasRoom(frames) && roomWaiter.compareAndSet(w, null)) nudge.run();
  }

  /**
   * The transport holds (positive) or has written (negative) bytes of its own for this socket, such
   * as a pong: counted with the queue's, not bounded by it (the transport bounds them).
   */
  synchronized void transportHolds(int delta) {
    if (ended) return;
    if (delta > 0) hold(delta);
    else {
      heldBytes.addAndGet(delta);
      Metrics.OUTBOUND_BYTES.addAndGet(delta);
    }
  }

  private void hold(int size) {
    long held = heldBytes.addAndGet(size);
    Metrics.OUTBOUND_BYTES.addAndGet(size);
    if (held > Metrics.OUTBOUND_PEAK_BYTES.get())
      Metrics.OUTBOUND_PEAK_BYTES.accumulateAndGet(held, Math::max);
  }

  /** The socket is gone: whatever still waited will never be written. */
  public synchronized void closed() {
    ended = true;
    Metrics.PUSH_QUEUE.addAndGet(-waiting.getAndSet(0));
    Metrics.OUTBOUND_BYTES.addAndGet(-heldBytes.getAndSet(0));
  }

  /** The Close that ended the socket, or null if it ended otherwise. */
  Outbound.Close closedBy() {
    return closedBy;
  }

  public void ownedBy(ActorRef<?> connection) {
    this.owner = connection;
  }

  /** The socket's connection actor, to watch: it stops when the socket's stream ends. */
  public ActorRef<?> ref() {
    return owner;
  }

  private void closeQueue() {
    try {
      queue.complete();
    } catch (IllegalStateException alreadyDone) {
      // closed twice, or failed first: either way the socket is ending
    }
  }

  /** A reader this slow is cut off rather than buffered without bound. */
  private void slowReader(SlowReader why) {
    ended = true;
    Metrics.SLOW_READERS.increment();
    try {
      queue.fail(why);
    } catch (IllegalStateException alreadyDone) {
      // already ending
    }
  }

  /** The socket's reader fell too far behind. */
  static final class SlowReader extends RuntimeException {
    SlowReader(String queued) {
      super("slow reader: " + queued + " queued; socket closed", null, false, false);
    }
  }
}
