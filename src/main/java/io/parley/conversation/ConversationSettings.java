package io.parley.conversation;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;

/**
 * A conversation entity's settings, from {@code parley.conversation}; {@code ackBeforePersist} is
 * {@code parley.unsafe.ack-before-persist}, a test-only switch that loses acked posts on purpose.
 */
public record ConversationSettings(
    int dedupWindow,
    int snapshotEvery,
    int keepSnapshots,
    Duration linkTimeout,
    Backoff linkRetry,
    int maxGroupSize,
    int maxPostsPerWrite,
    Backoff persistFailureBackoff,
    boolean ackBeforePersist,
    Duration editWindow) {
  /** How long after an entry its sender may edit it, unless set (parley.conversation). */
  static final Duration DEFAULT_EDIT_WINDOW = Duration.ofHours(48);

  /** With the unsafe switch off, as every setting but the chaos suite's self-test has it. */
  public ConversationSettings(
      int dedupWindow,
      int snapshotEvery,
      int keepSnapshots,
      Duration linkTimeout,
      Backoff linkRetry,
      int maxGroupSize,
      int maxPostsPerWrite,
      Backoff persistFailureBackoff) {
    this(
        dedupWindow,
        snapshotEvery,
        keepSnapshots,
        linkTimeout,
        linkRetry,
        maxGroupSize,
        maxPostsPerWrite,
        persistFailureBackoff,
        false,
        DEFAULT_EDIT_WINDOW);
  }

  public static ConversationSettings from(Config config) {
    Config c = config.getConfig("parley.conversation");
    Config backoff = c.getConfig("persist-failure-backoff");
    return new ConversationSettings(
        c.getInt("dedup-window"),
        c.getInt("snapshot-every"),
        c.getInt("keep-snapshots"),
        c.getDuration("link-timeout"),
        new Backoff(c.getDuration("link-retry.min"), c.getDuration("link-retry.max"), 0),
        c.getInt("max-group-size"),
        c.getInt("max-posts-per-write"),
        new Backoff(
            backoff.getDuration("min"),
            backoff.getDuration("max"),
            backoff.getDouble("random-factor")),
        config.getBoolean("parley.unsafe.ack-before-persist"),
        c.getDuration("edit-window"));
  }

  /** How long a conversation waits to restart after a failed write: min, doubling up to max. */
  public record Backoff(Duration min, Duration max, double randomFactor) {
    BackoffSupervisorStrategy strategy() {
      // Not logged by the supervisor: the entity logs the failure once, with its conversation.
      return SupervisorStrategy.restartWithBackoff(min, max, randomFactor)
          .withLoggingEnabled(false);
    }
  }
}
