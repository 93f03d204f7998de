package io.parley.bench.chaos;

/**
 * One device's own budget for {@code send} frames, a token bucket kept under the edge's so that the
 * device is not answered {@code rate_limited}: the edge allows 20 sends/s, burst 50, per connection
 * and the same per user on one edge node (docs/protocol.md, "Rate limits"; the chaos runner leaves
 * the defaults), and a user's devices may all be on one edge node. Sends that must go (a first
 * attempt, a retry) take the next token, waiting for it if need be; a resend on a timer (a hedge)
 * is optional and goes only while half the burst would remain. Used under its device's lock.
 */
final class SendBudget {
  static final double EDGE_RATE = 20;
  static final int EDGE_BURST = 50;
  // Frames written at an even pace can reach the edge bunched (a pause of the client or of the
  // path): each device keeps to three quarters of its user's share.
  private static final double HEADROOM = 0.75;

  private final long interval;
  private final long tolerance;
  private final long hedgeTolerance;
  // When the bucket is full again (the generic cell rate algorithm, as the edge counts).
  private long fullAt = Long.MIN_VALUE;

  /** A device's share when each user has {@code devicesPerUser} devices. */
  static SendBudget share(int devicesPerUser) {
    return new SendBudget(
        EDGE_RATE * HEADROOM / devicesPerUser,
        Math.max(1, (int) (EDGE_BURST * HEADROOM / devicesPerUser)));
  }

  SendBudget(double ratePerSecond, int burst) {
    if (!(ratePerSecond > 0) || burst < 1) throw new IllegalArgumentException("empty budget");
    interval = Math.max(1, Math.round(1e9 / ratePerSecond));
    tolerance = (burst - 1) * interval;
    hedgeTolerance = (burst - 1 - burst / 2) * interval;
  }

  /** Takes the next token; nanoseconds until it is due (0: now). Its send must wait that long. */
  long reserve(long now) {
    long wait = Math.max(0, Math.max(fullAt, now) - now - tolerance);
    fullAt = Math.max(fullAt, now) + interval;
    return wait;
  }

  /** Takes a token for a hedge if one is here now and half the burst would remain after it. */
  boolean tryHedge(long now) {
    if (Math.max(fullAt, now) - now > hedgeTolerance) return false;
    fullAt = Math.max(fullAt, now) + interval;
    return true;
  }

  /** The edge said {@code rate_limited}: it counts more than this bucket did, so start empty. */
  void drain(long now) {
    fullAt = Math.max(fullAt, now + tolerance + interval);
  }
}
