package io.parley.edge.budgets;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Token buckets per key (a user, a source address, a user id), one per budget in {@code limits},
 * shared by every thread of the node. Bounded: a key whose buckets are all full again carries
 * nothing (a fresh key would get the same), so it is dropped. The map is swept when it has doubled
 * since the last sweep, so it holds at most about twice the keys that drew from a bucket within its
 * last burst / rate seconds, and never more than {@code maxKeys}: past that, arbitrary keys go too
 * (they get fresh buckets: the limit errs towards letting a request through, never towards refusing
 * everyone). Sweeps cost O(1) per new key, amortized.
 */
public final class KeyedBudgets<K> {
  // After a trim the map holds at most this share of maxKeys, so trims (a pass over the map)
  // come at most once per (1 - share) x maxKeys new keys.
  private static final double TRIM_TO = 0.9;
  // Below this many keys the map is not swept.
  private static final int FIRST_TRIM = 1024;

  private final RateLimiter[] limits;
  private final int maxKeys;
  private final ConcurrentHashMap<K, long[]> fullAt = new ConcurrentHashMap<>();
  private final AtomicBoolean trimming = new AtomicBoolean();
  private volatile int trimAt;

  public KeyedBudgets(List<RateLimiter> limits, int maxKeys) {
    if (maxKeys < 1) throw new IllegalArgumentException("maxKeys must be >= 1");
    this.limits = limits.toArray(RateLimiter[]::new);
    this.maxKeys = maxKeys;
    this.trimAt = Math.min(maxKeys, FIRST_TRIM);
  }

  /** One budget per key. */
  public KeyedBudgets(RateLimiter limit, int maxKeys) {
    this(List.of(limit), maxKeys);
  }

  /**
   * Takes a token from the key's bucket of budget {@code slot} if it has one. Returns 0 when it
   * did, else the nanoseconds until it will have one (nothing taken).
   */
  public long take(K key, int slot, long now) {
    long[] wait = new long[1];
    fullAt.compute(
        key,
        (k, times) -> {
          long[] t = times != null ? times : fresh();
          wait[0] = limits[slot].wait(t[slot], now);
          if (wait[0] == 0) t[slot] = limits[slot].take(t[slot], now);
          return t;
        });
    if (fullAt.size() > trimAt) trim(now);
    return wait[0];
  }

  /** As {@link #take(Object, int, long)} with the only budget. */
  public long take(K key, long now) {
    return take(key, 0, now);
  }

  int size() {
    return fullAt.size();
  }

  private long[] fresh() {
    long[] t = new long[limits.length];
    Arrays.fill(t, RateLimiter.FULL);
    return t;
  }

  private void trim(long now) {
    if (!trimming.compareAndSet(false, true)) return;
    try {
      for (K key : fullAt.keySet()) {
        fullAt.computeIfPresent(key, (k, t) -> allFull(t, now) ? null : t);
      }
      Iterator<K> arbitrary = fullAt.keySet().iterator();
      while (fullAt.size() > maxKeys * TRIM_TO && arbitrary.hasNext()) {
        arbitrary.next();
        arbitrary.remove();
      }
      trimAt = (int) Math.min(maxKeys, Math.max(FIRST_TRIM, 2L * fullAt.size()));
    } finally {
      trimming.set(false);
    }
  }

  private static boolean allFull(long[] times, long now) {
    for (long t : times) {
      if (!RateLimiter.isFull(t, now)) return false;
    }
    return true;
  }
}
