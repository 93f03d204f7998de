package io.parley.conversation;

import io.parley.conversation.Replies.Rejected;
import io.parley.protocol.ErrorCode;

/** What a recall and an edit both ask of the entry they name. */
final class Targets {
  private Targets() {}

  /**
   * The seq a recall withdraws or an edit changes (a recall stores nothing else the client put in
   * its body).
   */
  static long seqOf(ConversationEntity.Post cmd) {
    return cmd.body().path("seq").asLong(0);
  }

  /**
   * Why {@code from} may not {@code verb} entry {@code seq}: it must exist ({@code not_found}), be
   * in the dedup window ({@code forbidden}, too old), be theirs ({@code forbidden}) and be text
   * ({@code bad_request}); null when it may.
   */
  static Rejected ownText(TimelineState state, String from, long seq, String verb) {
    if (seq < 1 || seq > state.lastSeq()) {
      return new Rejected(ErrorCode.NOT_FOUND, "no entry " + seq + " in this conversation");
    }
    DedupWindow.Record target = state.dedup().at(seq);
    if (target == null) {
      return new Rejected(ErrorCode.FORBIDDEN, "entry " + seq + " is too old to " + verb);
    }
    if (!target.from().equals(from)) {
      return new Rejected(ErrorCode.FORBIDDEN, "only its sender may " + verb + " entry " + seq);
    }
    if (!TimelineState.TEXT.equals(target.kind())) {
      return new Rejected(ErrorCode.BAD_REQUEST, "entry " + seq + " is not a text entry");
    }
    return null;
  }
}
