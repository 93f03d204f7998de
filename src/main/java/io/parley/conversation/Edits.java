package io.parley.conversation;

import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;
import java.time.Duration;

/**
 * Rules for an {@code edit} entry: the sender replaces the text of one of their own text entries.
 * The edited entry stays as it was stored and the edit is an entry of its own (pushed and caught up
 * in order); readers show the target with the latest edit's text ({@link EditIndex}). Like a
 * recall, only entries still in the dedup window can be edited (where the entity knows who wrote
 * them without reading the journal), and only within {@code parley.conversation.edit-window} of the
 * target's own time.
 */
final class Edits {
  private Edits() {}

  /** The new text (checked well-formed and not empty by {@link TimelineWrites#unstorable}). */
  static String textOf(ConversationEntity.Post cmd) {
    return cmd.body().path("text").textValue();
  }

  /** Why this edit may not be stored at {@code now}, or null when it may. */
  static Rejected check(
      TimelineState state, ConversationEntity.Post cmd, long now, Duration window) {
    long seq = Targets.seqOf(cmd);
    Rejected problem = Targets.ownText(state, cmd.from(), seq, "edit");
    if (problem != null) return problem;
    DedupWindow.Record target = state.dedup().at(seq);
    if (target.recalled()) {
      return new Rejected(ErrorCode.CONFLICT, "entry " + seq + " is recalled");
    }
    if (now - target.ts() > window.toMillis()) {
      return new Rejected(ErrorCode.FORBIDDEN, "entry " + seq + " is too old to edit");
    }
    return null;
  }
}
