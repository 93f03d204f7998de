package io.parley.notifications;

import java.time.Duration;

/** What a provider made of one push. */
public sealed interface Outcome {
  /** Accepted by the provider. */
  record Sent() implements Outcome {}

  /**
   * Worth trying again (429, 5xx, a timeout, a refused connection); {@code after} is the provider's
   * Retry-After, or null.
   */
  record Retry(Duration after, String reason) implements Outcome {}

  /** The token is no longer valid (APNs 410 / BadDeviceToken, FCM UNREGISTERED / 404). */
  record DeadToken(String reason) implements Outcome {}

  /** Refused for good (a malformed request, bad credentials): not retried, counted as failed. */
  record Failed(String reason) implements Outcome {}
}
