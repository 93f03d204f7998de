package io.parley.notifications;

/**
 * Where a user entity hands the pushes it decided on: the node's bounded queue. Never blocks; false
 * when the push was dropped (queue full, or pushes off), which the queue counts.
 */
public interface NotificationSink {
  boolean offer(Notification notification);

  /** Pushes off: every offer is dropped. */
  NotificationSink DISABLED = notification -> false;
}
