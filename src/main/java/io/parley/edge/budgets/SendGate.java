package io.parley.edge.budgets;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the sends one edge node has waiting for their conversation entities (and, a second one,
 * the history pages it has being read from the journal). Past the bound a request is refused at
 * once ({@code unavailable}) instead of queueing: when the core falls behind (a cold JIT, a
 * compaction), the queue stays short enough that nothing already accepted times out, so the backlog
 * drains instead of growing while clients keep sending. Shared by all sessions of the node.
 */
public final class SendGate {
  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public SendGate(int max) {
    this.max = max;
  }

  /** Takes a slot; false (and nothing taken) when all are in use. */
  public boolean tryEnter() {
    if (inFlight.incrementAndGet() <= max) return true;
    inFlight.decrementAndGet();
    return false;
  }

  /** Gives back the slots of sends that were answered, timed out, or whose session ended. */
  public void exit(int slots) {
    if (slots > 0) inFlight.addAndGet(-slots);
  }

  int inFlight() {
    return inFlight.get();
  }
}
