package io.parley.edge.budgets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The token-bucket arithmetic, and the bound on the keys a node keeps buckets for. */
class KeyedBudgetsTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void aBucketGivesItsBurstAtOnceThenOneTokenPerInterval() {
    RateLimiter tenPerSecond = new RateLimiter(10, 5);
    long fullAt = RateLimiter.FULL;
    long now = 123_456_789L;
    for (int i = 0; i < 5; i++) {
      assertEquals(0, tenPerSecond.wait(fullAt, now), "burst token " + i);
      fullAt = tenPerSecond.take(fullAt, now);
    }
    assertEquals(100 * MS, tenPerSecond.wait(fullAt, now), "empty: the next token in 1/rate");
    assertEquals(0, tenPerSecond.wait(fullAt, now + 100 * MS));
    assertTrue(RateLimiter.isFull(fullAt, now + 500 * MS), "refilled after burst / rate");
    assertTrue(!RateLimiter.isFull(fullAt, now + 499 * MS));
  }

  @Test
  void eachKeyAndEachBudgetHasItsOwnBucketAndARefusalTakesNothing() {
    KeyedBudgets<String> budgets =
        new KeyedBudgets<>(List.of(new RateLimiter(1, 2), new RateLimiter(1, 1)), 100);
    assertEquals(0, budgets.take("amy", 0, 0));
    assertEquals(0, budgets.take("amy", 0, 0));
    assertTrue(budgets.take("amy", 0, 0) > 0, "amy's first budget is spent");
    assertTrue(budgets.take("amy", 0, 0) > 0, "and refusals did not push it further out");
    assertEquals(0, budgets.take("amy", 0, 1000 * MS), "one token a second");
    assertEquals(0, budgets.take("amy", 1, 0), "her other budget is untouched");
    assertEquals(0, budgets.take("ben", 0, 0), "ben has his own");
  }

  @Test
  void keysWhoseBucketsAreFullAgainAreDropped() {
    KeyedBudgets<Integer> budgets = new KeyedBudgets<>(new RateLimiter(1000, 1), 1_000_000);
    for (int key = 0; key < 5000; key++) budgets.take(key, 0);
    // A second later every bucket is full again: the next sweep drops those keys.
    long later = 1000 * MS;
    for (int key = 5000; key < 15000; key++) budgets.take(key, later);
    assertTrue(
        budgets.size() < 10000 + 1024,
        "only the recent keys and a few full ones stay: " + budgets.size());
  }

  @Test
  void neverMoreThanMaxKeysEvenWhenNoneIsIdle() {
    KeyedBudgets<Integer> budgets = new KeyedBudgets<>(new RateLimiter(0.001, 1), 2000);
    for (int key = 0; key < 20000; key++) {
      budgets.take(key, 0);
      assertTrue(budgets.size() <= 2000, "at most maxKeys: " + budgets.size());
    }
  }
}
