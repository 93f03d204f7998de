package io.parley.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Polls a condition that no event signals (e.g. a REST read that follows an asynchronous write)
 * until it holds or a deadline passes. For things that do send a signal, wait on it.
 */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(50);

  private Await() {}

  public static <T> T until(Callable<T> probe, Predicate<T> done, Duration timeout, String what)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = probe.call();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + timeout + "; last: " + last);
      }
      LockSupport.parkNanos(POLL.toNanos());
      last = probe.call();
    }
    return last;
  }
}
