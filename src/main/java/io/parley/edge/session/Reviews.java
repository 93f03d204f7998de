package io.parley.edge.session;

import io.parley.moderation.Verdict;
import io.parley.protocol.ClientFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's sends waiting for the moderation service, in the order they came. Each goes to its
 * conversation (or is refused) only once every send before it has, so the sends of one socket reach
 * their conversations in the order it sent them, however the service's answers come back. Used by
 * the session's actor alone.
 */
final class Reviews {
  /** A send and, once known, the verdict on its body. */
  static final class Pending {
    final ClientFrame.Send send;
    private Verdict verdict;

    private Pending(ClientFrame.Send send) {
      this.send = send;
    }

    Verdict verdict() {
      return verdict;
    }
  }

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Queues a send; {@code verdict} null until the service answers ({@link #decided}). */
  Pending add(ClientFrame.Send send, Verdict verdict) {
    Pending pending = new Pending(send);
    pending.verdict = verdict;
    queue.add(pending);
    return pending;
  }

  /** Records the verdict on {@code pending}; returns the sends now free to go, in order. */
  List<Pending> decided(Pending pending, Verdict verdict) {
    pending.verdict = verdict;
    List<Pending> ready = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().verdict != null) ready.add(queue.poll());
    return ready;
  }
}
