package io.parley.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency series (e.g. send→delivered) in microseconds: recorded wait-free from the client's
 * callback threads into an HdrHistogram {@link Recorder}, and drained once a second by the step
 * ({@link LoadRun}), which keeps the last second apart (its p99 for the progress line and the
 * per-second record) and the total.
 */
final class Latencies {
  private static final long MAX_MICROS = 3_600_000_000L;

  private final Recorder recorder = new Recorder(MAX_MICROS, 3);
  private final Histogram total = new Histogram(MAX_MICROS, 3);
  private Histogram interval;

  void record(long nanos) {
    long micros = Math.max(1, Math.min(MAX_MICROS, nanos / 1000));
    recorder.recordValue(micros);
  }

  /** Moves what was recorded since the last call into the total; returns just that part. */
  synchronized Histogram drain() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    return interval;
  }

  /** Drains as {@link #drain} does; returns that part's p99 in ms, NaN if nothing was recorded. */
  double drainP99Ms() {
    Histogram part = drain();
    return part.getTotalCount() == 0 ? Double.NaN : part.getValueAtPercentile(99) / 1000.0;
  }

  synchronized Histogram total() {
    drain();
    return total.copy();
  }

  /** p50, p90, p99, p99.9 and max of a histogram, in milliseconds. */
  record Summary(
      long count, double p50, double p90, double p99, double p999, double max, double mean) {
    static Summary of(Histogram h) {
      return new Summary(
          h.getTotalCount(),
          ms(h.getValueAtPercentile(50)),
          ms(h.getValueAtPercentile(90)),
          ms(h.getValueAtPercentile(99)),
          ms(h.getValueAtPercentile(99.9)),
          ms(h.getMaxValue()),
          h.getTotalCount() == 0 ? 0 : Math.round(h.getMean()) / 1000.0);
    }

    private static double ms(long micros) {
      return micros / 1000.0;
    }
  }
}
