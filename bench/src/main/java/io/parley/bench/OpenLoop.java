package io.parley.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Open-loop pacing, corrected for coordinated omission: message n is due at {@code start + n/rate}
 * whatever happened to the ones before it, and its latency is counted from that intended time. When
 * the sender falls behind (a stall, a GC pause, a full socket), the late messages go out at once,
 * back to back, and each still carries its own intended time, so the stall shows in the percentiles
 * instead of silently lowering the offered rate.
 */
final class OpenLoop {
  /** Sends message n, which was due at {@code intendedNanos} (System.nanoTime scale). */
  interface Sender {
    void send(long n, long intendedNanos);
  }

  private final double rate;
  private final long startNanos;
  private final LongSupplier clock;
  private final LongConsumer park;
  private volatile boolean stopped;

  OpenLoop(double ratePerSecond, long startNanos) {
    this(ratePerSecond, startNanos, System::nanoTime, LockSupport::parkNanos);
  }

  /** With a clock and a way to wait of the caller's choosing (tests drive time themselves). */
  OpenLoop(double ratePerSecond, long startNanos, LongSupplier clock, LongConsumer park) {
    this.rate = ratePerSecond;
    this.startNanos = startNanos;
    this.clock = clock;
    this.park = park;
  }

  /** When message n is due. */
  long intended(long n) {
    return startNanos + (long) (n * 1e9 / rate);
  }

  /** How many messages fall in the first {@code seconds} seconds. */
  long count(double seconds) {
    return (long) Math.floor(seconds * rate);
  }

  void stop() {
    stopped = true;
  }

  /**
   * Sends messages 0 .. count-1 on the calling thread, each at (or as soon as possible after) its
   * time.
   */
  void run(long count, Sender sender) {
    for (long n = 0; n < count && !stopped; ) {
      long due = intended(n);
      long wait = due - clock.getAsLong();
      if (wait > 0) {
        // parkNanos may wake early or late; late is fine (latency counts from `due`).
        park.accept(Math.min(wait, 50_000_000L));
        continue;
      }
      sender.send(n, due);
      n++;
    }
  }
}
