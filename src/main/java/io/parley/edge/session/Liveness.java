package io.parley.edge.session;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A session's clock: when its client was last heard, when it last re-attached to its user entity
 * (which forgets sessions when it moves or restarts) and when to attach again after it moved, and
 * when its login token expires. The session asks it on each tick what is due. Not thread-safe:
 * owned by one session actor. (Three longs in one object: about 40 bytes a socket.)
 */
final class Liveness {
  enum Due {
    NOTHING,
    /** No frame within 2 x heartbeat: close the socket. */
    IDLE,
    /** Time to attach to the user entity again. */
    REFRESH
  }

  private final SessionSettings settings;
  private final long tokenExpiresAtMillis;
  private long lastInboundNanos = System.nanoTime();
  private long lastRefreshNanos = lastInboundNanos;

  Liveness(SessionSettings settings, long tokenExpiresAtMillis) {
    this.settings = settings;
    this.tokenExpiresAtMillis = tokenExpiresAtMillis;
  }

  void heard() {
    lastInboundNanos = System.nanoTime();
  }

  Due tick() {
    long now = System.nanoTime();
    if (now - lastInboundNanos > settings.heartbeat().multipliedBy(2).toNanos()) return Due.IDLE;
    if (now - lastRefreshNanos < settings.refresh().toNanos()) return Due.NOTHING;
    lastRefreshNanos = now;
    return Due.REFRESH;
  }

  /**
   * When to attach again after the user entity said it is moving: a random point of
   * parley.session.reattach-spread, so that the sessions of a handed-off shard's users do not all
   * start their entities again in one instant.
   */
  Duration reattachDelay() {
    long spread = settings.reattachSpread().toNanos();
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(spread + 1));
  }

  /**
   * The wait until the token expires when that is before the next tick, else null. The expiry gets
   * its timer only then: a timer costs every idle socket ~0.1 KB, and a day-long token's would wait
   * the whole day.
   */
  Duration tokenExpiresWithinATick() {
    long untilExpiry = tokenExpiresAtMillis - System.currentTimeMillis();
    if (untilExpiry > settings.heartbeat().dividedBy(2).toMillis()) return null;
    return Duration.ofMillis(Math.max(0, untilExpiry));
  }
}
