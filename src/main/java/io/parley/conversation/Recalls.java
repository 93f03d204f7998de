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

  /** The seq a recall withdraws (a recall stores nothing else the client put in its body). */
  static long seqOf(ConversationEntity.Post cmd) {
    return cmd.body().path("seq").asLong(0);
  }

  /** Why this recall may not be stored, or null when it may. */
  static Rejected check(TimelineState state, ConversationEntity.Post cmd) {
    long seq = seqOf(cmd);
    if (seq < 1 || seq > state.lastSeq()) {
      return new Rejected(ErrorCode.NOT_FOUND, "no entry " + seq + " in this conversation");
    }
    DedupWindow.Record target = state.dedup().at(seq);
    if (target == null) {
      return new Rejected(ErrorCode.FORBIDDEN, "entry " + seq + " is too old to recall");
    }
    if (!target.from().equals(cmd.from())) {
      return new Rejected(ErrorCode.FORBIDDEN, "only its sender may recall entry " + seq);
    }
    if (!TimelineState.TEXT.equals(target.kind())) {
      return new Rejected(ErrorCode.BAD_REQUEST, "entry " + seq + " is not a text entry");
    }
    if (target.recalled()) {
      return new Rejected(ErrorCode.CONFLICT, "entry " + seq + " is already recalled");
    }
    return null;
  }
}
