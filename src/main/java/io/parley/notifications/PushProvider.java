package io.parley.notifications;

import java.util.concurrent.CompletionStage;

/**
 * One push service. {@link #send} must not block its caller: the request runs on the provider's own
 * HTTP client, and the stage completes with an {@link Outcome} (never exceptionally: a transport
 * error is a {@link Outcome.Retry}).
 */
public interface PushProvider {
  Provider kind();

  CompletionStage<Outcome> send(Notification notification);
}
