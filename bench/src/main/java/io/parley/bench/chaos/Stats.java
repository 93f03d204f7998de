package io.parley.bench.chaos;

import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link FaultLoad}'s counts so far, for a progress line: sends issued and acked, attempts
 * answered {@code unavailable} (or another refusal) and {@code internal}, attempts that got no
 * answer in time, retries (every attempt after a send's first) and of them the hedges (resent on a
 * timer while an attempt was unanswered), reconnects, msg frames delivered, and sends neither acked
 * nor given up.
 */
public record Stats(
    long issued,
    long acked,
    long refused,
    long unknown,
    long timeouts,
    long retries,
    long reconnects,
    long delivered,
    long outstanding,
    long hedges) {

  public String line() {
    return "issued "
        + issued
        + ", acked "
        + acked
        + ", refused "
        + refused
        + ", internal "
        + unknown
        + ", timeouts "
        + timeouts
        + ", retries "
        + retries
        + " (hedges "
        + hedges
        + "), reconnects "
        + reconnects
        + ", delivered "
        + delivered
        + ", outstanding "
        + outstanding;
  }

  /** The live counters behind {@link Stats}, shared by every device. */
  static final class Counters {
    final LongAdder issued = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder unknown = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder hedges = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder finished = new LongAdder();

    Stats snapshot() {
      return new Stats(
          issued.sum(),
          acked.sum(),
          refused.sum(),
          unknown.sum(),
          timeouts.sum(),
          retries.sum(),
          reconnects.sum(),
          delivered.sum(),
          issued.sum() - finished.sum(),
          hedges.sum());
    }
  }
}
