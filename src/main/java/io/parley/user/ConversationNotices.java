package io.parley.user;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What a user entity tells conversations after storing a change of its own, and the one thing it
 * asks them (the unread counts a push's badge needs). The conversation package implements it
 * ({@code conversation.UserNotices}), so that this package needs nothing of the conversation's: the
 * two entities' packages no longer import each other.
 */
public interface ConversationNotices {
  /**
   * {@code blocker} now blocks (or no longer blocks) {@code blocked}: their direct conversation
   * enforces it.
   */
  void blockChanged(String blocker, String blocked, boolean blocking);

  /** {@code user} has read {@code conv} up to {@code seq}: the other members get a read receipt. */
  void read(String conv, String user, long seq);

  /**
   * A device of {@code user} holds direct conversation {@code conv} up to {@code seq}, more than
   * any of the user's devices before: the other member gets a delivered receipt.
   */
  void delivered(String conv, String user, long seq);

  /**
   * {@code conv}'s counts for {@code user}, as its summary has them; empty if the user may not use
   * it. Fails if the conversation does not answer within {@code timeout}.
   */
  CompletionStage<Optional<Counts>> counts(String conv, String user, Duration timeout);

  /**
   * The last seq, the user's latest own entry (text, recall or edit), and the first entry the user
   * may read (in a group, the one that last added them).
   */
  record Counts(long lastSeq, long lastOwnSeq, long firstSeq) {}
}
