package io.parley.edge.session;

import io.parley.metrics.Metrics;
import java.time.Duration;

/**
 * How long a session keeps asking an entity that did not answer within the ask timeout (its shard
 * may be moving after a core node crashed, which takes up to the failover budget:
 * docs/operations.md, "Failover after a crash"), or the journal for a read that failed. Attempts
 * are spaced by a wait that doubles from parley.session.sync-backoff-min to sync-backoff-max, and
 * none starts later than sync-patience after the first. Not thread-safe: used by one attempt at a
 * time, each after the previous one failed.
 */
final class Patience {
  private final long deadlineNanos;
  private final Duration maxWait;
  private Duration wait;

  /** Starts counting at {@code nowNanos} (System.nanoTime), when the first attempt starts. */
  Patience(SessionSettings settings, long nowNanos) {
    this.deadlineNanos = nowNanos + settings.syncPatience().toNanos();
    this.maxWait = settings.syncBackoffMax();
    this.wait = settings.syncBackoffMin();
  }

  /** An attempt failed: the wait before the next one, or null when none may start (give up). */
  Duration retryAfter(long nowNanos) {
    if (nowNanos + wait.toNanos() > deadlineNanos) return null;
    Duration next = wait;
    wait = wait.multipliedBy(2).compareTo(maxWait) < 0 ? wait.multipliedBy(2) : maxWait;
    Metrics.SESSION_RETRIES.increment();
    return next;
  }
}
