package io.parley.conversation;

import io.parley.protocol.ErrorCode;
import io.parley.user.UserEntity;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A direct conversation's link to its two members in this incarnation: before its first post it
 * makes sure both users exist, list it, and whether one blocks the other; posts wait (stashed, in
 * order) meanwhile. In memory on purpose: linking is idempotent and costs one ask per member per
 * incarnation, while persisting it would put non-timeline events in the log.
 */
final class DirectLinks {
  private boolean linked;
  private boolean linking;
  private int waitingPosts;
  private int postsToReject;
  private ErrorCode linkFailure;
  private final Set<String> blockedSenders = new HashSet<>();
  // Block changes that arrive while linking win over the (older) answers linking brings back.
  private final Map<String, Boolean> blocksWhileLinking = new HashMap<>();

  /** The failure a post that waited for a failed link gets (one per waiting post), else null. */
  ErrorCode takeFailure() {
    if (postsToReject == 0) return null;
    postsToReject--;
    return linkFailure;
  }

  /** The members' answers to linking, as the entity's command (failure null: linked). */
  static ConversationEntity.MembersLinked outcome(
      List<UserEntity.LinkReply> replies, Throwable error) {
    if (error != null) return new ConversationEntity.MembersLinked(ErrorCode.UNAVAILABLE, Set.of());
    Set<String> blocked = new HashSet<>();
    for (UserEntity.LinkReply reply : replies) {
      if (!reply.exists())
        return new ConversationEntity.MembersLinked(ErrorCode.NOT_FOUND, Set.of());
      blocked.addAll(reply.blocks());
    }
    return new ConversationEntity.MembersLinked(null, blocked);
  }

  boolean linked() {
    return linked;
  }

  /** A post waits for the link; true if the link must be started now. */
  boolean waitForLink() {
    waitingPosts++;
    if (linking) return false;
    linking = true;
    return true;
  }

  boolean blocks(String sender) {
    return blockedSenders.contains(sender);
  }

  void blockChanged(String blocked, boolean blocking) {
    if (blocking) blockedSenders.add(blocked);
    else blockedSenders.remove(blocked);
    if (linking) blocksWhileLinking.put(blocked, blocking);
  }

  /** The link's outcome (failure null = linked); the posts that waited are then handled again. */
  void done(ErrorCode failure, Set<String> blockedByMembers) {
    linking = false;
    linked = failure == null;
    if (linked) {
      blockedSenders.addAll(blockedByMembers);
      blocksWhileLinking.forEach(this::blockChanged);
      blocksWhileLinking.clear();
    } else {
      // The posts that waited are rejected, storing nothing; a later post tries again.
      linkFailure = failure;
      postsToReject = waitingPosts;
    }
    waitingPosts = 0;
  }
}
