package io.parley.moderation;

import java.util.concurrent.CompletionStage;

/**
 * An external moderation service, asked about each text body (of the conversation kinds the
 * settings name) after the word and pattern filter and before the send reaches its conversation.
 * Asynchronous: the edge waits for it at most {@code parley.filter.hook.timeout}; a stage that
 * fails or is late is a failure, which the settings make a pass (fail open) or a refusal (fail
 * closed). {@link WebhookModeration} is the one built in; implement this to plug in another.
 */
public interface ModerationHook {
  /** The verdict on {@code body}, sent by {@code from} in {@code conv} (of {@code kind}). */
  CompletionStage<Verdict> review(String conv, String kind, String from, String body);
}
