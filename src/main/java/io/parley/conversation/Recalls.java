package io.parley.conversation;

import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;

/**
 * Rules for a {@code recall} entry: the sender withdraws one of their own text entries. The
 * withdrawn entry stays in the timeline; the recall is an entry of its own, so it replays to
 * offline devices in order. Only entries still in the dedup window (the last {@code
 * parley.conversation.dedup-window} entries) can be recalled: that is where the entity knows who
 * wrote them without reading the journal.
 */
final class Recalls {
  private Recalls() {}

  /** Why this recall may not be stored, or null when it may. */
  static Rejected check(TimelineState state, ConversationEntity.Post cmd) {
    long seq = Targets.seqOf(cmd);
    Rejected problem = Targets.ownText(state, cmd.from(), seq, "recall");
    if (problem != null) return problem;
    DedupWindow.Record target = state.dedup().at(seq);
    if (target.recalled()) {
      return new Rejected(ErrorCode.CONFLICT, "entry " + seq + " is already recalled");
    }
    return null;
  }
}
