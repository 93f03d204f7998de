package io.parley.user;

/**
 * What a user entity tells conversations after storing a change of its own. The conversation
 * package implements it ({@code conversation.UserNotices}), so that this package needs nothing of
 * the conversation's: the two entities' packages no longer import each other.
 */
public interface ConversationNotices {
  /**
   * {@code blocker} now blocks (or no longer blocks) {@code blocked}: their direct conversation
   * enforces it.
   */
  void blockChanged(String blocker, String blocked, boolean blocking);

  /** {@code user} has read {@code conv} up to {@code seq}: the other members get a read receipt. */
  void read(String conv, String user, long seq);
}
