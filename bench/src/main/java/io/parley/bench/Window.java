package io.parley.bench;

import java.util.concurrent.TimeUnit;

/**
 * A step's clock ({@link System#nanoTime} scale): it starts at {@code start}, its first seconds
 * warm up, and only what falls in [{@code measuredFrom}, {@code measuredUntil}) is measured.
 */
record Window(long start, long measuredFrom, long measuredUntil) {
  // An open-loop step's first send is due this long after it is planned, so that starting the
  // progress line and the handlers does not make the first sends late before they go out.
  private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  static Window startingAt(long start, int warmupSec, int durationSec) {
    long from = start + TimeUnit.SECONDS.toNanos(warmupSec);
    return new Window(start, from, from + TimeUnit.SECONDS.toNanos(durationSec));
  }

  /** An open-loop step: it starts a short lead from now. */
  static Window openLoop(int warmupSec, int durationSec) {
    return startingAt(System.nanoTime() + LEAD_NANOS, warmupSec, durationSec);
  }

  boolean measures(long nanos) {
    return nanos >= measuredFrom && nanos < measuredUntil;
  }

  boolean warmingUp(long nanos) {
    return nanos < measuredFrom;
  }
}
