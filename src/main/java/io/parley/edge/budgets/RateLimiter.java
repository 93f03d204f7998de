package io.parley.edge.budgets;

import com.typesafe.config.Config;

/**
 * A token bucket of {@code rate} tokens per second holding at most {@code burst}, kept as one
 * number per client: the time at which its bucket will be full again (the generic cell rate
 * algorithm). A client whose "full at" is in the past has a full bucket, so an initial value of
 * {@link #FULL} and an entry that is never written cost the same. Stateless and thread-safe;
 * callers keep the numbers (a {@code long} per bucket, not an object).
 */
public final class RateLimiter {
  /** "Full at" of a bucket nobody has drawn from. */
  public static final long FULL = Long.MIN_VALUE;

  private final double rate;
  private final int burst;
  private final long interval;
  private final long tolerance;

  public RateLimiter(double ratePerSecond, int burst) {
    if (!(ratePerSecond > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "a budget needs rate > 0 and burst >= 1, not " + ratePerSecond + " / " + burst);
    }
    this.rate = ratePerSecond;
    this.burst = burst;
    this.interval = Math.max(1, Math.round(1e9 / ratePerSecond));
    this.tolerance = (burst - 1) * interval;
  }

  /**
   * The budget of {@code rate} and {@code burst} (or {@code user-rate} / {@code user-burst}) in c.
   */
  public static RateLimiter from(Config c, String prefix) {
    return new RateLimiter(c.getDouble(prefix + "rate"), c.getInt(prefix + "burst"));
  }

  /** Nanoseconds until a bucket that is full at {@code fullAt} has a token; 0: it has one now. */
  public long wait(long fullAt, long now) {
    return Math.max(0, Math.max(fullAt, now) - now - tolerance);
  }

  /** The new "full at" after taking one token (check {@link #wait} first). */
  public long take(long fullAt, long now) {
    return Math.max(fullAt, now) + interval;
  }

  /** A bucket full again holds nothing worth keeping: it is the same as a fresh one. */
  public static boolean isFull(long fullAt, long now) {
    return fullAt <= now;
  }

  @Override
  public String toString() {
    return rate + "/s, burst " + burst;
  }
}
