package io.parley.edge;

import io.parley.edge.Connection.Outbound;
import io.parley.metrics.Metrics;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A socket's outbound queue (its stream's actor source), counting the frames that wait in it so
 * the push queue depth can be measured. Written to by the connection actor and by the node's
 * room registry; drained by the socket's stream.
 */
public final class Outbox {
  private final ActorRef<Outbound> queue;
  private final AtomicLong waiting = new AtomicLong();

  Outbox(ActorRef<Outbound> queue) {
    this.queue = queue;
  }

  void tell(Outbound frame) {
    if (!(frame instanceof Outbound.Close)) {
      waiting.incrementAndGet();
      Metrics.PUSH_QUEUE.incrementAndGet();
    }
    queue.tell(frame);
  }

  /** The stream took one frame off the queue. */
  void written() {
    waiting.decrementAndGet();
    Metrics.PUSH_QUEUE.decrementAndGet();
  }

  /** The socket is gone: whatever still waited will never be written. */
  void closed() {
    Metrics.PUSH_QUEUE.addAndGet(-waiting.getAndSet(0));
  }

  /** The queue's actor, to watch: it stops when the socket's stream ends. */
  ActorRef<Outbound> ref() {
    return queue;
  }
}
