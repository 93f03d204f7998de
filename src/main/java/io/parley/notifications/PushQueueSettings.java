package io.parley.notifications;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The node's push queue, from {@code parley.push}: how many pushes it holds ({@code queueSize}),
 * how many requests it has in flight to the providers ({@code concurrency}), and how it retries.
 */
public record PushQueueSettings(int queueSize, int concurrency, Retry retry) {

  public PushQueueSettings {
    if (queueSize < 1) throw new IllegalArgumentException("parley.push.queue-size must be >= 1");
    if (concurrency < 1) throw new IllegalArgumentException("parley.push.concurrency must be >= 1");
  }

  public static PushQueueSettings from(Config config) {
    Config c = config.getConfig("parley.push");
    Config r = c.getConfig("retry");
    return new PushQueueSettings(
        c.getInt("queue-size"),
        c.getInt("concurrency"),
        new Retry(
            r.getDuration("min"),
            r.getDuration("max"),
            r.getDouble("random-factor"),
            r.getInt("max-attempts")));
  }

  /**
   * Retries of a push a provider answered {@link Outcome.Retry}: the wait doubles from {@code min}
   * up to {@code max}, stretched by up to {@code randomFactor} so that pushes refused together do
   * not come back together; {@code maxAttempts} sends in all, the first included.
   */
  public record Retry(Duration min, Duration max, double randomFactor, int maxAttempts) {
    public Retry {
      if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "parley.push.retry needs 0 < min <= max, not min " + min + ", max " + max);
      }
      if (randomFactor < 0 || randomFactor > 1) {
        throw new IllegalArgumentException(
            "parley.push.retry.random-factor must be between 0 and 1, not " + randomFactor);
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("parley.push.retry.max-attempts must be >= 1");
      }
    }

    /**
     * The wait before retry number {@code retry} (1 for the first): min * 2^(retry - 1), times (1 +
     * randomFactor * random), never more than max; and never less than the provider's Retry-After
     * ({@code after}, or null), itself cut to max, so a provider cannot park a push for an hour.
     *
     * @param random in [0, 1)
     */
    public Duration delay(int retry, Duration after, double random) {
      double doubled = min.toNanos() * Math.pow(2, Math.max(0, retry - 1));
      double jittered = doubled * (1 + randomFactor * random);
      Duration backoff = Duration.ofNanos((long) Math.min(max.toNanos(), jittered));
      if (after == null || after.compareTo(backoff) <= 0) return backoff;
      return after.compareTo(max) > 0 ? max : after;
    }
  }
}
